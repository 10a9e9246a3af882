"""``fairreview show FILE`` and ``scan --details``: every finding of a document with its location, sentence,
matched words, rule, the legal text it rests on, how to fix it and the most similar published case.

Registered on ``main`` at the end of cli.py (import ``fairreview.cli`` first, not this module).
"""

from __future__ import annotations

import json
import sys

import click

from .cli import EXIT_CLEAN, EXIT_FINDINGS, _fail, build_settings, lexicon_options, segmenter_options
from .legal import provisions
from .model import SEVERITY_ZH, VERDICT_ZH, DocumentResult, Finding, Report
from .report.text_width import excerpt, wrap

WIDTH = 88  # display columns of the wrapped text (a CJK character is two)
INDENT = "    "


def _block(label: str, text: str) -> list[str]:
    """``label：text`` wrapped, continuation lines aligned under the text."""
    head = f"{INDENT}{label}："
    pad = INDENT + " " * (len(label) * 2 + 2)
    lines = wrap(text, WIDTH - len(pad)).split("\n")
    return [head + lines[0]] + [pad + line for line in lines[1:]]


def _legal(f: Finding) -> list[str]:
    known = provisions()
    out: list[str] = []
    for pid in f.provisions:
        prov = known.get(pid)
        if prov is None:
            out += _block("依据", pid)
            continue
        out += _block("依据", f"{prov.citation}（{pid}）")
        if prov.quote:
            out += _block("原文", prov.quote.replace("\n", ""))
    return out


def render_finding(n: int, f: Finding) -> list[str]:
    lines = [f"[{n}] {f.location} · {f.rule} {f.title}（{SEVERITY_ZH[f.severity]}）"]
    lines += _block("条款", excerpt(f.text, f.evidence, limit=400))
    if f.evidence:
        lines += _block("命中", "、".join(f.evidence))
    lines += _block("问题", f.message)
    lines += _legal(f)
    lines += _block("建议", f.suggestion)
    if f.note:
        lines += _block("说明", f.note)
    prec = f.extra.get("precedent")
    if prec:
        doc = prec.get("document") or ""
        if doc and "《" not in doc and "》" not in doc:  # some published titles already carry (broken) quotes
            doc = f"《{doc}》"
        where = "，".join(x for x in (prec.get("issuer"), doc) if x)
        lines += _block("类似案例", f"{prec['id']}（相似度 {prec['score']:g}）{where}：“{prec['text']}”")
        lines += _block("案例来源", prec["source"])
    return lines


def render_document(doc: DocumentResult, show_info: bool = True) -> str:
    lines = [f"文件：{doc.path}"]
    if doc.title:
        lines.append(f"标题：{doc.title}")
    lines.append(f"结论：{VERDICT_ZH[doc.verdict]}")
    for r in doc.reasons:
        lines += [INDENT[:2] + line for line in wrap(r, WIDTH - 2).split("\n")]
    shown = [f for f in doc.findings if f.flags() or show_info]
    if doc.error is None:
        infos = len(doc.findings) - len(doc.flagged)
        lines.append(f"发现：{len(doc.flagged)} 处需修改" + (f"，{infos} 处提示" if infos else ""))
    for n, f in enumerate(shown, 1):
        lines.append("")
        lines += render_finding(n, f)
    return "\n".join(lines) + "\n"


def render_details(report: Report, show_info: bool = False) -> str:
    """The detail view of every document that has findings or could not be read, then the summary line."""
    parts = [render_document(d, show_info) for d in report.documents if d.findings or d.error]
    if not parts:
        parts.append("未发现需要修改的条款。\n")
    rule = "─" * (WIDTH // 2) + "\n"
    return rule.join(parts) + rule + report.summary_line() + "\n"


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式")
@click.option("--as-of", help="审查基准日 YYYY-MM-DD（判断有效期），默认今天")
@click.option("--max-size", type=click.IntRange(min=1), help="文件大小上限（MB），默认 100")
@lexicon_options
@segmenter_options
def show(file: str, fmt: str, as_of: str | None, max_size: int | None, select: tuple[str, ...],
         ignore: tuple[str, ...], lexicon: tuple[str, ...], segmenter: str | None,
         pkuseg_model: str | None) -> None:
    """逐条列出一个文件的全部发现：位置、条款、命中词、规则、法律原文、修改建议和类似案例。"""
    from .match.lexicon import LexiconError
    from .match.segmenter import SegmenterError
    from .pipeline import Engine

    settings = build_settings(select, ignore, lexicon, segmenter, pkuseg_model, as_of, max_size)
    try:
        doc = Engine(settings).scan_file(file)
    except (LexiconError, SegmenterError) as exc:
        _fail(str(exc))
        return
    if fmt == "json":
        click.echo(json.dumps(doc.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_document(doc, show_info=True), nl=False)
    sys.exit(EXIT_FINDINGS if doc.flagged or doc.error else EXIT_CLEAN)
