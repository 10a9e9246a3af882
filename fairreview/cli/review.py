"""The reviewers' workflow: ``review`` (one flagged clause at a time), ``decide`` (a document's final
conclusion), ``ledger`` (the 台账) and ``baseline`` (today's findings recorded as known). Each scans through
the one runner, so a review after a cached scan reads no document again."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from ..escapes import screen_name
from ..report.labels import CONCLUSION_ZH
from ..report.style import colour_wanted
from ..review.apply import apply_document, register_document
from ..review.baseline import record_baseline
from ..review.fingerprint import sentence_fingerprint
from ..review.ledger import summary_line, write_ledger
from ..review.source import ensure_sketch, read_document_text
from ..review.status import parse_conclusion
from ..review.tui import Session
from ..settings import Settings
from . import scanning
from .options import (
    EXIT_CLEAN,
    RunOptions,
    colour_option,
    db_option,
    documents_argument,
    fail,
    reviewer_option,
    scan_options,
)


@click.command()
@documents_argument("paths", nargs=-1, required=True)
@click.option("--all", "review_all", is_flag=True, help="也逐条显示已复核的条款（可修改原结论）")
@colour_option
@db_option
@reviewer_option
@scan_options
def review(paths: tuple[str, ...], review_all: bool, color: bool | None, settings: Settings,
           run: RunOptions) -> None:
    """逐条复核 PATHS 中的问题条款：确认违规、误报、适用例外，并设定文件最终结论。"""
    reviewer = scanning.reviewer_name(settings.workspace)
    report, _ = scanning.scan(paths, settings, run)
    with scanning.open_store(settings.workspace) as store:
        code = Session(report, store, reviewer, review_all=review_all, color=colour_wanted(sys.stdout, color),
                       text_source=functools.partial(read_document_text, settings=settings)).run()
    sys.exit(code)


@click.command()
@documents_argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--conclusion", required=True, help="最终结论：保留 / 修改 / 废止 / 失效")
@click.option("--reason", required=True, help="理由（必填）")
@db_option
@reviewer_option
@scan_options
def decide(file: str, conclusion: str, reason: str, settings: Settings, run: RunOptions) -> None:
    """设定 FILE 的最终结论（工具的建议结论一并保存）。"""
    code = parse_conclusion(conclusion)
    if code is None:
        fail(f"--conclusion 应为 保留、修改、废止 或 失效，而不是 {conclusion!r}")
    if not reason.strip():
        fail("--reason 不能为空")
    reviewer = scanning.reviewer_name(settings.workspace)
    report, _ = scanning.scan((file,), settings, run)
    (doc,) = report.documents
    ensure_sketch(doc, functools.partial(read_document_text, settings=settings))  # not sketched by the scan
    with scanning.open_store(settings.workspace) as store:
        doc_id = register_document(store, doc)
        apply_document(doc, doc_id, store, report.as_of or "")  # the recommendation after decisions
        known = [(f.rule, sentence_fingerprint(f.text)) for f in doc.findings if f.flags()]
        store.conclude(doc_id, code, reason, reviewer, recommended=doc.verdict, known_findings=known,
                       path=os.path.abspath(doc.path))
    click.echo(f"已记录：{screen_name(file)} 最终结论 {CONCLUSION_ZH[code]}（建议结论 {doc.verdict_label}）")
    sys.exit(EXIT_CLEAN)


@click.command()
@documents_argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="台账文件：.xlsx（两张表）或 .csv（另写 …-问题条款.csv）")
@click.option("--no-decisions", is_flag=True, help="不使用复核结论（只列工具建议）")
@db_option
@scan_options
def ledger(paths: tuple[str, ...], output: str, no_decisions: bool, settings: Settings, run: RunOptions) -> None:
    """导出台账：每个文件的建议结论、最终结论、问题条款与依据（XLSX 或 CSV）。"""
    if Path(output).suffix.lower() not in (".xlsx", ".csv"):
        fail(f"台账文件应以 .xlsx 或 .csv 结尾：{screen_name(output)}")
    report, _ = scanning.scan(paths, settings, run)
    scanning.apply_decisions(report, settings.workspace, decisions=not no_decisions, baseline=False)
    try:
        written = write_ledger(report, output)
    except OSError as exc:
        fail(f"无法写入台账 {screen_name(output)}：{exc.strerror or exc}（原有的台账文件未被改动）")
    click.echo(summary_line(report))
    for p in written:
        click.echo(f"已写入 {screen_name(str(p))}")
    sys.exit(EXIT_CLEAN)


@click.command()
@documents_argument("paths", nargs=-1, required=True)
@db_option
@scan_options
def baseline(paths: tuple[str, ...], settings: Settings, run: RunOptions) -> None:
    """把 PATHS 当前的全部问题记为已知（基线）；此后 scan 只显示新出现的问题。"""
    report, _ = scanning.scan(paths, settings, run)
    with scanning.open_store(settings.workspace) as store:
        result = record_baseline(report, store)
        where = store.path
    click.echo(
        f"基线已记录：{result.documents} 个文件，新增 {result.added} 处，保留 {result.kept} 处，"
        f"清除已不存在的 {result.pruned} 处（{screen_name(str(where))}）"
    )
    sys.exit(EXIT_CLEAN)
