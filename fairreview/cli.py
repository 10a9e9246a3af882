"""The command line: a thin layer over the library. Exit codes like ruff: 0 clean, 1 findings, 2 failure."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from . import __version__
from .config import ConfigError, find_config
from .match.lexicon import LexiconError
from .match.segmenter import SegmenterError
from .settings import DEFAULT_MAX_BYTES, Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_FAILURE = 0, 1, 2


def _fail(message: str) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(EXIT_FAILURE)


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for item in values for v in item.split(",") if v.strip())


def _as_of(value: str | None) -> str:
    if value is None:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        _fail(f"--as-of 日期格式应为 YYYY-MM-DD，而不是 {value!r}")
        raise  # unreachable


def build_settings(
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    lexicon: tuple[str, ...] = (),
    segmenter: str | None = None,
    pkuseg_model: str | None = None,
    as_of: str | None = None,
    max_size: int | None = None,
) -> Settings:
    """Command-line values over the config file over defaults."""
    try:
        cfg = find_config()
    except ConfigError as exc:
        _fail(str(exc))
        raise
    return Settings(
        select=_split(select) or tuple(cfg.get("select", ())),
        ignore=_split(ignore) or tuple(cfg.get("ignore", ())),
        lexicon_dirs=tuple(cfg.paths("extend-lexicons")) + tuple(str(Path(p).resolve()) for p in lexicon),
        segmenter=segmenter or cfg.get("segmenter", "auto"),
        pkuseg_model=pkuseg_model or (cfg.paths("pkuseg-model")[0] if cfg.get("pkuseg-model") else None),
        as_of=_as_of(as_of),
        max_bytes=(max_size or cfg.get("max-size") or DEFAULT_MAX_BYTES // (1024 * 1024)) * 1024 * 1024,
    )


def lexicon_options(f):  # type: ignore[no-untyped-def]
    f = click.option("--select", multiple=True, help="只启用这些代码前缀的规则，如 ME,FL001（可重复）")(f)
    f = click.option("--ignore", multiple=True, help="停用这些代码前缀的规则（可重复）")(f)
    f = click.option("--lexicon", multiple=True, type=click.Path(exists=True), help="追加词库文件夹或文件")(f)
    return f


def segmenter_options(f):  # type: ignore[no-untyped-def]
    f = click.option("--segmenter", type=click.Choice(["auto", "pkuseg", "char"]), default=None,
                     help="分词器：auto（默认，随包发布的 pkuseg 模型）、pkuseg、char（不分词）")(f)
    f = click.option("--pkuseg-model", type=click.Path(exists=True, file_okay=False), default=None,
                     help="使用另一个 pkuseg 模型目录")(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fairreview")
def main() -> None:
    """fairreview：规范性文件公平竞争审查（离线、可复现）。"""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]), default="table",
              show_default=True, help="输出格式")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="写入文件而不是标准输出")
@click.option("--as-of", help="审查基准日 YYYY-MM-DD（判断有效期），默认今天")
@click.option("--max-size", type=click.IntRange(min=1), help="单个文件大小上限（MB），默认 100")
@click.option("--info", "show_info", is_flag=True, help="表格中也显示“提示”级别的发现")
@lexicon_options
@segmenter_options
def scan(paths: tuple[str, ...], fmt: str, output: str | None, as_of: str | None, max_size: int | None,
         show_info: bool, select: tuple[str, ...], ignore: tuple[str, ...], lexicon: tuple[str, ...],
         segmenter: str | None, pkuseg_model: str | None) -> None:
    """排查 PATHS 中的文件与文件夹（递归），给出每个文件的建议结论。"""
    from .pipeline import Engine, scan_paths
    from .report import render
    from .report.render import render_table

    for p in paths:
        if not Path(p).exists() and not Path(p).is_symlink():
            _fail(f"路径不存在：{p}")
    settings = build_settings(select, ignore, lexicon, segmenter, pkuseg_model, as_of, max_size)
    try:
        engine = Engine(settings)
        report = scan_paths(list(paths), engine=engine)
    except (LexiconError, SegmenterError) as exc:
        _fail(str(exc))
        return
    out = render_table(report, show_info) if fmt == "table" else render(report, fmt)
    if output:
        Path(output).write_text(out, encoding="utf-8")
        click.echo(report.summary_line(), err=True)
    else:
        click.echo(out, nl=False)
    bad = any(d.flagged or d.error for d in report.documents)
    sys.exit(EXIT_FINDINGS if bad else EXIT_CLEAN)


@main.group()
def lexicon() -> None:
    """词库：列出规则、运行规则例句测试。"""


@lexicon.command("list")
@lexicon_options
def lexicon_list(select: tuple[str, ...], ignore: tuple[str, ...], lexicon: tuple[str, ...]) -> None:
    """列出规则代码、名称和法律依据。"""
    from tabulate import tabulate

    from .match.lexicon import load

    settings = build_settings(select, ignore, lexicon)
    try:
        lex = load(list(settings.lexicon_dirs)).select(list(settings.select), list(settings.ignore))
    except LexiconError as exc:
        _fail(str(exc))
        return
    rows = [[r.code, r.title, r.severity, " ".join(r.provisions)] for r in lex.rules]
    click.echo(tabulate(rows, headers=["代码", "名称", "级别", "依据"], tablefmt="simple"))
    click.echo(f"共 {len(rows)} 条规则（词库版本 {lex.version}）")


@lexicon.command("test")
@click.argument("dirs", nargs=-1, type=click.Path(exists=True))
@click.option("--no-builtin", is_flag=True, help="只测试给出的词库，不含内置词库")
def lexicon_test(dirs: tuple[str, ...], no_builtin: bool) -> None:
    """运行词库中每条规则的例句：violation 必须命中，compliant 不得命中。"""
    from .lextest import run_examples
    from .match.lexicon import load

    try:
        lex = load(list(dirs), include_builtin=not dirs or not no_builtin)
    except LexiconError as exc:
        _fail(str(exc))
        return
    failures, total = run_examples(lex)
    for f in failures:
        click.echo(f"失败 {f}")
    click.echo(f"{total - len(failures)} passed, {len(failures)} failed")
    sys.exit(EXIT_FINDINGS if failures else EXIT_CLEAN)


if __name__ == "__main__":  # pragma: no cover
    main()
