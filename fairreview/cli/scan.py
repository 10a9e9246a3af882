"""``fairreview scan PATHS``: every document's recommendation, as a table, details, JSON, SARIF or CSV."""

from __future__ import annotations

import sys

import click

from ..atomic_file import write_text
from ..report.details import render_details
from ..report.render import render, render_table
from ..report.sarif import render_sarif
from ..review.status import needs_attention
from ..settings import Settings
from . import scanning
from .options import EXIT_CLEAN, EXIT_FINDINGS, RunOptions, db_option, fail, scan_options


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "sarif", "csv"]), default="table",
              show_default=True, help="输出格式")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="写入文件而不是标准输出")
@click.option("--info", "show_info", is_flag=True, help="表格中也显示“提示”级别的发现")
@click.option("--details", is_flag=True, help="逐条详细列出发现（法律原文、修改建议、类似案例），代替表格")
@click.option("--no-decisions", is_flag=True, help="不应用复核结论（误报、例外、最终结论）")
@click.option("--no-baseline", is_flag=True, help="不使用基线，显示全部问题")
@db_option
@scan_options
def scan(  # noqa: PLR0913  (click passes one keyword argument per option)
    paths: tuple[str, ...], *, fmt: str, output: str | None, show_info: bool, details: bool, no_decisions: bool,
    no_baseline: bool, settings: Settings, run: RunOptions,
) -> None:
    """排查 PATHS 中的文件与文件夹（递归），给出每个文件的建议结论。"""
    report, runner = scanning.scan(paths, settings, run)
    scanning.apply_decisions(report, settings.workspace, decisions=not no_decisions, baseline=not no_baseline)
    if fmt == "table" and details:
        out = render_details(report, show_info)
    elif fmt == "sarif":
        out = render_sarif(report, runner.lexicon)
    else:
        out = render_table(report, show_info) if fmt == "table" else render(report, fmt)
    if output:
        try:  # whole or not at all: a failed write keeps the previous file
            write_text(output, out)
        except OSError as exc:
            fail(f"无法写入 {output}：{exc.strerror or exc}（原有的文件未被改动）")
        click.echo(report.summary_line(), err=True)
    else:
        click.echo(out, nl=False)
    # dismissed, excepted and baselined findings do not fail
    sys.exit(EXIT_FINDINGS if any(needs_attention(d) for d in report.documents) else EXIT_CLEAN)
