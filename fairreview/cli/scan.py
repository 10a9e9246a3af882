"""``fairreview scan PATHS``: every document's recommendation, as a table, one line per finding, details,
JSON, SARIF or CSV; or counts per rule (``--statistics``)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from ..atomic_file import write_text
from ..escapes import for_screen, screen_name
from ..report.style import UNBOUNDED, Style, colour_wanted, terminal_width
from ..review.status import needs_attention
from ..settings import Settings
from . import scanning
from .options import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    RunOptions,
    colour_option,
    db_option,
    documents_argument,
    fail,
    scan_options,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..match.lexicon import Lexicon
    from ..model import Report

FORMATS = ["table", "concise", "json", "jsonl", "sarif", "csv"]


@click.command()
@documents_argument("paths", nargs=-1, required=True, metavar="PATHS...")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="输出格式（concise：每处问题一行 路径:行:列: 代码 [级别] 信息）")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="写入文件而不是标准输出")
@click.option("--info", "show_info", is_flag=True, help="也显示“提示”级别的发现")
@click.option("--details", is_flag=True, help="逐条详细列出发现（法律原文、修改建议、类似案例），代替表格")
@click.option("--statistics", is_flag=True, help="只显示每条规则的问题数量")
@click.option("--exit-zero", is_flag=True, help="有问题时退出码也为 0（运行失败仍为 2）")
@click.option("--no-decisions", is_flag=True, help="不应用复核结论（误报、例外、最终结论）")
@click.option("--no-baseline", is_flag=True, help="不使用基线，显示全部问题")
@colour_option
@db_option
@scan_options
def scan(  # noqa: PLR0913  (click passes one keyword argument per option)
    paths: tuple[str, ...], *, fmt: str, output: str | None, show_info: bool, details: bool, statistics: bool,
    exit_zero: bool, no_decisions: bool, no_baseline: bool, color: bool | None, settings: Settings,
    run: RunOptions,
) -> None:
    """排查 PATHS 中的文件与文件夹（递归），给出每个文件的建议结论。PATHS 为 - 时从标准输入读取一个文件。"""
    report, runner = scanning.scan(paths, settings, run)
    scanning.apply_decisions(report, settings.workspace, decisions=not no_decisions, baseline=not no_baseline)
    view = View(fmt, show_info, details, statistics)
    if output:
        out = view.render(report, lambda: runner.lexicon, UNBOUNDED, Style())
        try:  # whole or not at all: a failed write keeps the previous file
            write_text(output, out)
        except OSError as exc:
            fail(f"无法写入 {screen_name(output)}：{exc.strerror or exc}（原有的文件未被改动）")
        if not run.quiet:
            click.echo(report.summary_line(), err=True)
    elif not run.quiet:
        style = Style(colour_wanted(sys.stdout, color))
        click.echo(view.render(report, lambda: runner.lexicon, terminal_width(sys.stdout), style), nl=False,
                   color=style.enabled)
    # dismissed, excepted and baselined findings do not fail
    failed = any(needs_attention(d) for d in report.documents) and not exit_zero
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


@dataclass(frozen=True)
class View:
    """What the scan's output shows."""

    fmt: str
    show_info: bool
    details: bool
    statistics: bool

    def render(self, report: Report, lexicon: Callable[[], Lexicon], width: int, style: Style) -> str:
        """``lexicon``: the rules, asked for only by SARIF (a re-scan served from the cache never parses them
        otherwise). Each renderer is imported when it is used."""
        if self.statistics:
            from ..report.concise import render_statistics

            return render_statistics(report, self.show_info, width, style)
        if self.fmt == "table" and self.details:
            from ..report.details import render_details

            return render_details(for_screen(report), self.show_info)  # names and text escaped for a person
        if self.fmt == "table":
            from ..report.table import render_table

            return render_table(report, self.show_info, width, style)
        if self.fmt == "concise":
            from ..report.concise import render_concise

            return render_concise(report, self.show_info, style)
        if self.fmt == "sarif":
            from ..report.sarif import render_sarif

            return render_sarif(report, lexicon())
        from ..report.render import render

        return render(report, self.fmt)
