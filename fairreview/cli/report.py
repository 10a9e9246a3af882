"""``fairreview report PATHS -o 审查意见.docx``: the written review of every document (report/opinion.py), with the
reviewers' decisions and final conclusions applied (they win over the recommendation)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..escapes import screen_name
from ..report.opinion import ledger_summary, write_opinion
from ..settings import Settings
from . import scanning
from .options import EXIT_CLEAN, RunOptions, db_option, documents_argument, fail, scan_options


@click.command("report")
@documents_argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="审查意见文件（.docx）")
@click.option("--no-decisions", is_flag=True, help="不使用复核结论（只写工具建议）")
@db_option
@scan_options
def report_command(paths: tuple[str, ...], output: str, no_decisions: bool, settings: Settings,
                   run: RunOptions) -> None:
    """写出审查意见（.docx）：每个文件的基本情况、审查结论、问题条款及依据、修改建议和例外情形说明。"""
    if Path(output).suffix.lower() != ".docx":
        fail(f"审查意见文件应以 .docx 结尾：{screen_name(output)}")
    report, _ = scanning.scan(paths, settings, run)
    scanning.apply_decisions(report, settings.workspace, decisions=not no_decisions, baseline=False)
    try:
        written = write_opinion(report, output)
    except OSError as exc:
        fail(f"无法写入审查意见 {screen_name(output)}：{exc.strerror or exc}（原有的文件未被改动）")
    click.echo(ledger_summary(report))
    click.echo(f"已写入 {screen_name(str(written))}")
    sys.exit(EXIT_CLEAN)
