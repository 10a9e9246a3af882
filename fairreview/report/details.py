"""The detail view (``fairreview show FILE`` and ``scan --details``): every finding of a document with its
location, sentence, matched words, rule, the legal text it rests on, how to fix it and the most similar
published case."""

from __future__ import annotations

from ..legal import provisions
from ..model import DocumentResult, Finding, PrecedentMatch, Report
from .labels import SEVERITY_ZH, precedent_source
from .text_width import excerpt, wrap

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


def _precedent(prec: PrecedentMatch) -> list[str]:
    doc = prec.document
    if doc and "《" not in doc and "》" not in doc:  # some published titles already carry (broken) quotes
        doc = f"《{doc}》"
    where = "，".join(x for x in (prec.issuer, doc) if x)
    return _block("类似案例", f"{prec.id}（相似度 {prec.score:g}）{where}：“{prec.text}”") + _block(
        "案例来源", precedent_source(prec.source)
    )


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
    if f.precedent is not None:
        lines += _precedent(f.precedent)
    return lines


def render_document(doc: DocumentResult, show_info: bool = True) -> str:
    lines = [f"文件：{doc.path}"]
    if doc.title:
        lines.append(f"标题：{doc.title}")
    lines.append(f"结论：{doc.verdict_label}")
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
