"""``fairreview text``: the clause tree of a text (each clause with its location and its span in that text)
and what the document says about itself."""

from __future__ import annotations

from ..facts import extract_meta
from ..model import Clause
from ..read import normalize
from ..structure import parse

META_LABELS = {"doc_number": "文号", "issuer": "发文机关", "issued": "成文日期", "effective": "施行日期",
               "expires": "有效期至", "period": "有效期（起算日不明）", "continues": "到期后继续执行"}


def _depth(clauses: list[Clause], idx: int) -> int:
    depth = 0
    parent = clauses[idx].parent
    while parent is not None and depth < 20:
        depth += 1
        parent = clauses[parent].parent
    return depth


def structure_lines(text: str, title_hint: str | None = None) -> list[str]:
    norm = normalize(text)
    st = parse(norm.text, title_hint=title_hint)
    out = [f"标题：{st.title or '（未识别）'}"]
    for idx, clause in enumerate(st.clauses):
        a, b = norm.span(clause.start, clause.end)
        body = text[a:b].replace("\n", " ")
        if len(body) > 60:
            body = body[:58] + "…"
        out.append(f"{'  ' * _depth(st.clauses, idx)}[{clause.location}] {a}–{b} {body}")
    out.append(f"共 {len(st.clauses)} 个条款、{len(st.sentences)} 个句子")
    return out


def meta_lines(text: str) -> list[str]:
    norm = normalize(text)
    meta = extract_meta(norm.text, parse(norm.text).title)
    optional = ("period", "continues")  # shown only when the document has them
    return [f"{META_LABELS[k]}：{v or '（未识别）'}" for k, v in meta.to_dict().items() if v or k not in optional]
