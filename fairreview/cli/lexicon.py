"""``fairreview lexicon``: list the rules, run the rules' examples as tests (built-in or a user's own folder)."""

from __future__ import annotations

import sys
from itertools import groupby
from pathlib import Path
from typing import Any

import click
from tabulate import tabulate

from ..escapes import json_escaped, screen_name, screen_text
from ..jsoncodec import pretty as pretty_json
from ..lextest import run_all
from ..match.lexicon import Lexicon, LexiconError, Rule, load
from ..settings import Settings, unmatched_prefixes
from .options import (
    EXIT_CLEAN,
    EXIT_FAILURE,
    EXIT_FINDINGS,
    config_options,
    fail,
    given_value,
    lexicon_option,
    pass_settings,
    rule_options,
    segmenter_options,
)


@click.group()
def lexicon() -> None:
    """词库：列出规则、运行规则例句测试。"""


def _load(dirs: list[str], include_builtin: bool, select: tuple[str, ...] = (),
          ignore: tuple[str, ...] = ()) -> Lexicon:
    unique = list(dict.fromkeys(str(Path(d).resolve()) for d in dirs))  # config and command line: once
    try:
        return load(list(unique), include_builtin=include_builtin).select(list(select), list(ignore))
    except LexiconError as exc:
        fail(str(exc))


def _family_key(rule: Rule) -> str:
    return rule.family or rule.code.rstrip("0123456789")


def _rule_json(r: Rule) -> dict[str, Any]:
    return {
        "code": r.code, "name": r.name, "title": r.title, "family": r.family,
        "family_title": r.family_title, "severity": r.severity, "provisions": list(r.provisions),
        "message": r.message, "suggestion": r.suggestion, "source": r.source,
    }


@lexicon.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="输出格式")
@rule_options
@lexicon_option
@config_options
@pass_settings
def lexicon_list(fmt: str, settings: Settings) -> None:
    """按规则族列出规则代码、名称、级别和法律依据。"""
    lex = _load(list(settings.lexicon_dirs), True, settings.select, settings.ignore)
    unmatched = unmatched_prefixes(settings.select, [r.code for r in lex.rules])
    if unmatched:
        fail(f"select 中的 {', '.join(unmatched)} 不匹配任何规则")
    rules = sorted(lex.rules, key=lambda r: (_family_key(r), r.code))
    if fmt == "json":
        rows = [_rule_json(r) for r in rules]
        out = {"lexicon_version": lex.version, "rules": rows}
        click.echo(json_escaped(out, pretty_json))
        return
    for family, group in groupby(rules, key=_family_key):
        members = list(group)
        click.echo("\n" + screen_name(f"{family}  {members[0].family_title}（{len(members)} 条）"))
        table = [[screen_name(str(c)) for c in (r.code, r.title, r.name, r.severity, " ".join(r.provisions))]
                 for r in members]  # a user's lexicon is data too
        click.echo(tabulate(table, headers=["代码", "名称", "英文名", "级别", "依据"], tablefmt="simple"))
    click.echo(f"\n共 {len(rules)} 条规则（词库版本 {lex.version}）")


@lexicon.command("test")
@click.argument("dirs", nargs=-1, type=click.Path(exists=True), callback=given_value("lexicons"))
@click.option("--no-builtin", is_flag=True, help="只测试给出的词库（不含内置词库和配置文件中的词库）")
@rule_options
@segmenter_options
@config_options
@pass_settings
def lexicon_test(dirs: tuple[str, ...], no_builtin: bool, settings: Settings) -> None:
    """运行词库中每条规则的例句：violation 必须命中，compliant 不得命中。

    不给 DIRS 时测试 scan 所用的词库（内置词库加配置文件的 extend-lexicons）；给出 DIRS 时一并测试，
    加 --no-builtin 则只测试 DIRS（例如本地自建的词库文件夹）。
    """
    if no_builtin and not dirs:
        fail("--no-builtin 需要同时给出要测试的词库文件夹或文件")
    sources = list(dirs) if no_builtin else list(settings.lexicon_dirs)
    results = run_all(_load(sources, include_builtin=not no_builtin), settings)
    failed = [r for r in results if not r.ok]
    for r in failed:
        click.echo(screen_text(f"失败 {r.describe()}  [{r.rule.source}]"))
    if not results:
        click.echo("没有可测试的规则例句", err=True)
        sys.exit(EXIT_FAILURE)
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)
