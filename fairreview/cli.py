"""The command line: a thin layer over the library. Exit codes like ruff: 0 clean, 1 findings, 2 failure."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .config import ConfigError, find_config, unmatched_prefixes
from .match.lexicon import LexiconError
from .match.segmenter import SegmenterError
from .run_cli import run_options
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


def lexicon_options(f: Any) -> Any:
    f = click.option("--select", multiple=True, help="只启用这些代码前缀的规则，如 ME,FL001（可重复）")(f)
    f = click.option("--ignore", multiple=True, help="停用这些代码前缀的规则（可重复）")(f)
    f = click.option("--lexicon", multiple=True, type=click.Path(exists=True), help="追加词库文件夹或文件")(f)
    return f


def segmenter_options(f: Any) -> Any:
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
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "sarif", "csv"]),
              default="table",
              show_default=True, help="输出格式")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="写入文件而不是标准输出")
@click.option("--as-of", help="审查基准日 YYYY-MM-DD（判断有效期），默认今天")
@click.option("--max-size", type=click.IntRange(min=1), help="单个文件大小上限（MB），默认 100")
@click.option("--info", "show_info", is_flag=True, help="表格中也显示“提示”级别的发现")
@click.option("--details", is_flag=True, help="逐条详细列出发现（法律原文、修改建议、类似案例），代替表格")
@click.option("--db", type=click.Path(dir_okay=False),
              help="复核数据库（默认 .fairreview/review.db，存在时使用）")
@click.option("--no-decisions", is_flag=True, help="不应用复核结论（误报、例外、最终结论）")
@click.option("--no-baseline", is_flag=True, help="不使用基线，显示全部问题")
@lexicon_options
@segmenter_options
@run_options
def scan(paths: tuple[str, ...], fmt: str, output: str | None, as_of: str | None, max_size: int | None,
         show_info: bool, details: bool, db: str | None, no_decisions: bool, no_baseline: bool,
         select: tuple[str, ...], ignore: tuple[str, ...],
         lexicon: tuple[str, ...], segmenter: str | None, pkuseg_model: str | None, **run_opts: Any) -> None:
    """排查 PATHS 中的文件与文件夹（递归），给出每个文件的建议结论。"""
    from .report import render
    from .report.render import render_table
    from .run_cli import make_runner, run_scan

    for p in paths:
        if not Path(p).exists() and not Path(p).is_symlink():
            _fail(f"路径不存在：{p}")
    settings = build_settings(select, ignore, lexicon, segmenter, pkuseg_model, as_of, max_size)
    try:
        with make_runner(settings, list(paths), **run_opts) as runner:  # the Engine is built only if a file is not cached
            unmatched = unmatched_prefixes(settings.select, runner.rule_codes)
            if unmatched:
                _fail(f"select 中的 {', '.join(unmatched)} 不匹配任何规则（见 fairreview lexicon list）")
            report = run_scan(runner, list(paths), **run_opts)
    except (LexiconError, SegmenterError) as exc:
        _fail(str(exc))
        return
    from .cli_review import apply_to_scan  # decisions are applied after the per-document scan

    apply_to_scan(report, db, no_decisions, no_baseline)
    if fmt == "table" and details:
        from .cli_show import render_details

        out = render_details(report, show_info)
    elif fmt == "sarif":
        from .report.sarif import render_sarif

        out = render_sarif(report, runner.lexicon)
    else:
        out = render_table(report, show_info) if fmt == "table" else render(report, fmt)
    if output:
        from .atomic_file import write_text  # whole or not at all: a failed write keeps the previous file

        try:
            write_text(output, out)
        except OSError as exc:
            _fail(f"无法写入 {output}：{exc.strerror or exc}（原有的文件未被改动）")
        click.echo(report.summary_line(), err=True)
    else:
        click.echo(out, nl=False)
    from .review.status import needs_attention  # dismissed, excepted and baselined findings do not fail

    bad = any(needs_attention(d) for d in report.documents)
    sys.exit(EXIT_FINDINGS if bad else EXIT_CLEAN)


from .cli_lexicon import lexicon as _lexicon_group  # noqa: E402  (registered after main exists)

main.add_command(_lexicon_group)
from .cli_show import show as _show_command  # noqa: E402

main.add_command(_show_command)
from .cli_review import COMMANDS as _review_commands  # noqa: E402

for _command in _review_commands:
    main.add_command(_command)
from .cli_text import text_command as _text_command  # noqa: E402

main.add_command(_text_command)
from .cli_db import db as _db_group  # noqa: E402

main.add_command(_db_group)

if __name__ == "__main__":  # pragma: no cover
    main()
