"""Commands of the reviewers' workflow: review, decide, ledger, baseline (registered in cli.py)."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from .cli import EXIT_CLEAN, EXIT_FAILURE, _fail, build_settings, lexicon_options, segmenter_options
from .config import ConfigError, find_config
from .escapes import escape_text
from .match.lexicon import LexiconError
from .match.segmenter import SegmenterError
from .model import Report
from .review.reviewer import ReviewerMissing, resolve_reviewer
from .review.store import DEFAULT_DB, Store, StoreError
from .settings import Settings


def db_path(option: str | None) -> tuple[Path, bool]:
    """(path, explicitly chosen): --db, else ``db`` in the config file (relative to it), else .fairreview/."""
    if option:
        return Path(option), True
    try:
        cfg = find_config()
    except ConfigError as exc:
        _fail(str(exc))
        raise
    value = cfg.get("db")
    if value:
        base = cfg.path.parent if cfg.path else Path.cwd()
        return base / str(value), True
    return DEFAULT_DB, False


def reviewer_name(option: str | None) -> str:
    """--reviewer, FAIRREVIEW_REVIEWER or ``reviewer`` in the config file; otherwise exit 2 (never the login)."""
    try:
        configured = find_config().get("reviewer") if not option else None
        return resolve_reviewer(option, configured)
    except (ConfigError, ReviewerMissing) as exc:
        _fail(str(exc))
        raise


@contextlib.contextmanager
def open_store(option: str | None, create: bool = True) -> Iterator[Store]:
    """The review database for a command; any StoreError (opening or later) is a Chinese error, exit 2."""
    path, _ = db_path(option)
    try:
        store = Store.open(path, create=create)
    except StoreError as exc:
        _fail(str(exc))
        raise
    try:
        yield store
    except StoreError as exc:
        _fail(str(exc))
    finally:
        store.close()


def apply_to_scan(report: Report, db: str | None, no_decisions: bool, no_baseline: bool) -> None:
    """What ``scan`` does after the per-document scan: decisions and baseline, when a database exists."""
    if no_decisions and no_baseline:
        return
    path, explicit = db_path(db)
    if not path.exists():
        if explicit:
            _fail(f"复核数据库不存在：{path}")
        return
    from .review.apply import apply_review

    with open_store(str(path), create=False) as store:
        apply_review(report, store, use_decisions=not no_decisions, use_baseline=not no_baseline)


def _scan(paths: tuple[str, ...], settings: Settings) -> Report:
    from .pipeline import Engine, scan_paths

    for p in paths:
        if not Path(p).exists() and not Path(p).is_symlink():
            _fail(f"路径不存在：{p}")
    try:
        return scan_paths(list(paths), engine=Engine(settings))
    except (LexiconError, SegmenterError) as exc:
        _fail(str(exc))
        raise


def scan_settings_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command that scans shares (review date, size limit, rule selection, segmenter),
    turned into one ``settings`` argument. Put it directly above the function, below the other options."""

    @functools.wraps(f)
    def wrapper(*args: Any, as_of: str | None, max_size: int | None, select: tuple[str, ...],
                ignore: tuple[str, ...], lexicon: tuple[str, ...], segmenter: str | None,
                pkuseg_model: str | None, **kwargs: Any) -> Any:
        settings = build_settings(select, ignore, lexicon, segmenter, pkuseg_model, as_of, max_size)
        return f(*args, settings=settings, **kwargs)

    wrapper = segmenter_options(lexicon_options(wrapper))
    wrapper = click.option("--max-size", type=click.IntRange(min=1), help="单个文件大小上限（MB），默认 100")(wrapper)
    return click.option("--as-of", help="审查基准日 YYYY-MM-DD（判断有效期和例外实施期限），默认今天")(wrapper)


def db_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        type=click.Path(dir_okay=False),
        help="复核数据库（默认 .fairreview/review.db 或配置文件中的 db）",
    )(f)


def reviewer_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--reviewer", help="复核人姓名（必填；也可用环境变量 FAIRREVIEW_REVIEWER 或配置 reviewer）"
    )(f)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@reviewer_option
@click.option("--all", "review_all", is_flag=True, help="也逐条显示已复核的条款（可修改原结论）")
@click.option("--color/--no-color", default=None, help="彩色显示（默认：终端中彩色）")
@scan_settings_options
def review(
    paths: tuple[str, ...],
    db: str | None,
    reviewer: str | None,
    review_all: bool,
    color: bool | None,
    settings: Settings,
) -> None:
    """逐条复核 PATHS 中的问题条款：确认违规、误报、适用例外，并设定文件最终结论。"""
    from .review.tui import Session

    name = reviewer_name(reviewer)  # before the scan: no decision without a name
    report = _scan(paths, settings)
    if color is None:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    with open_store(db) as store:
        session = Session(report, store, name, review_all=review_all, color=color)
        code = session.run()
    sys.exit(code)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--conclusion", required=True, help="最终结论：保留 / 修改 / 废止 / 失效")
@click.option("--reason", required=True, help="理由（必填）")
@db_option
@reviewer_option
@scan_settings_options
def decide(
    file: str,
    conclusion: str,
    reason: str,
    db: str | None,
    reviewer: str | None,
    settings: Settings,
) -> None:
    """设定 FILE 的最终结论（工具的建议结论一并保存）。"""
    from .review.apply import Texts, apply_document, read_document_text, register_document
    from .review.fingerprint import sentence_fingerprint
    from .review.status import CONCLUSION_ZH, parse_conclusion

    code = parse_conclusion(conclusion)
    if code is None:
        _fail(f"--conclusion 应为 保留、修改、废止 或 失效，而不是 {conclusion!r}")
        return
    if not reason.strip():
        _fail("--reason 不能为空")
    name = reviewer_name(reviewer)
    report = _scan((file,), settings)
    doc = report.documents[0]
    with open_store(db) as store:
        texts = Texts(read_document_text)
        got = texts.get(doc)
        doc_id = register_document(store, doc, got[0] if got else None)
        apply_document(doc, doc_id, store, report.as_of or "", texts)  # the recommendation after decisions
        known = [(f.rule, sentence_fingerprint(f.text)) for f in doc.findings if f.flags()]
        store.conclude(
            doc_id,
            code,
            reason,
            name,
            recommended=doc.verdict,
            known_findings=known,
            path=os.path.abspath(doc.path),
        )
    from .model import VERDICT_ZH

    click.echo(f"已记录：{escape_text(file)} 最终结论 {CONCLUSION_ZH[code]}（建议结论 {VERDICT_ZH[doc.verdict]}）")
    sys.exit(EXIT_CLEAN)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="台账文件：.xlsx（两张表）或 .csv（另写 …-问题条款.csv）",
)
@db_option
@click.option("--no-decisions", is_flag=True, help="不使用复核结论（只列工具建议）")
@scan_settings_options
def ledger(
    paths: tuple[str, ...],
    output: str,
    db: str | None,
    no_decisions: bool,
    settings: Settings,
) -> None:
    """导出台账：每个文件的建议结论、最终结论、问题条款与依据（XLSX 或 CSV）。"""
    from .review.ledger import summary_line, write_ledger

    if Path(output).suffix.lower() not in (".xlsx", ".csv"):
        _fail(f"台账文件应以 .xlsx 或 .csv 结尾：{output}")
    report = _scan(paths, settings)
    apply_to_scan(report, db, no_decisions, no_baseline=True)
    try:
        written = write_ledger(report, output)
    except OSError as exc:
        _fail(f"无法写入台账 {escape_text(output)}：{exc.strerror or exc}（原有的台账文件未被改动）")
        return
    click.echo(summary_line(report))
    for p in written:
        click.echo(f"已写入 {escape_text(str(p))}")
    sys.exit(EXIT_CLEAN)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@scan_settings_options
def baseline(
    paths: tuple[str, ...],
    db: str | None,
    settings: Settings,
) -> None:
    """把 PATHS 当前的全部问题记为已知（基线）；此后 scan 只显示新出现的问题。"""
    from .review.baseline import record_baseline

    report = _scan(paths, settings)
    with open_store(db) as store:
        result = record_baseline(report, store)
        where = store.path
    click.echo(
        f"基线已记录：{result.documents} 个文件，新增 {result.added} 处，保留 {result.kept} 处，"
        f"清除已不存在的 {result.pruned} 处（{where}）"
    )
    sys.exit(EXIT_CLEAN)


COMMANDS = [review, decide, ledger, baseline]
__all__ = ["COMMANDS", "EXIT_FAILURE", "apply_to_scan"]
