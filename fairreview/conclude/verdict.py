"""The verdict rule (docs/conclusions.md states it for users).

- ``error``   the document could not be read — never ``retain``.
- ``expired`` its 有效期 ended before the review date (``as_of``).
- ``repeal``  its main content is restrictive: the title itself is flagged, or at least
              ``REPEAL_MIN_CLAUSES`` operative clauses are flagged and they are at least
              ``REPEAL_SHARE`` of all operative clauses.
- ``amend``   any error/warning finding otherwise.
- ``retain``  no error/warning finding.
"""

from __future__ import annotations

from ..model import DocumentResult, Outline, Structure
from ..report.labels import SEVERITY_ZH

REPEAL_SHARE = 0.5
REPEAL_MIN_CLAUSES = 3


def outline(structure: Structure) -> Outline:
    """What the verdict needs of the clause tree: how many clauses are operative (not title, not front)."""
    operative = {s.clause for s in structure.sentences
                 if not s.is_title and structure.clauses[s.clause].level != "front"}
    return Outline(operative_clauses=len(operative))


def conclude(doc: DocumentResult, as_of: str) -> None:
    """Set ``doc.verdict`` and ``doc.reasons`` in place, from the findings and ``doc.outline``."""
    if doc.error is not None:
        doc.verdict, doc.reasons = "error", [f"无法读取：{doc.error}"]
        return
    reasons: list[str] = []
    expires = doc.meta.expires
    if expires and expires < as_of:
        doc.verdict = "expired"
        doc.reasons = [f"有效期至 {expires}，早于审查基准日 {as_of}，文件已失效"]
        flagged = doc.flagged
        if flagged:
            doc.reasons.append(f"另有 {len(flagged)} 处限制竞争问题，如重新制定须一并修改")
        return
    flagged = doc.flagged
    for f in flagged:
        basis = f"，依据 {'、'.join(f.provisions)}" if f.provisions else ""
        reasons.append(f"{f.location}：{f.title}（{SEVERITY_ZH[f.severity]}{basis}）")
    infos = [f for f in doc.findings if f.severity == "info"]
    if not flagged:
        doc.verdict = "retain"
        doc.reasons = ["未发现排除、限制竞争的内容"]
        if infos:
            doc.reasons.append(f"另有 {len(infos)} 处提示，建议人工复核")
        return
    title_hits = [f for f in flagged if f.location == "标题" and not f.rule.startswith("LG")]
    # Only restriction findings weigh toward 废止; an outdated citation (LG) is always a 修改 matter.
    clause_ids = {f.clause for f in flagged if f.location != "标题" and not f.rule.startswith("LG")}
    clause_ids.discard(None)
    operative = doc.outline.operative_clauses if doc.outline else 0
    share = len(clause_ids) / operative if operative else 0.0
    if title_hits:
        doc.verdict = "repeal"
        reasons.insert(0, f"标题本身含有限制竞争内容（{title_hits[0].title}），文件主要内容违反公平竞争审查标准")
    elif len(clause_ids) >= REPEAL_MIN_CLAUSES and share >= REPEAL_SHARE:
        doc.verdict = "repeal"
        reasons.insert(
            0, f"{len(clause_ids)}/{operative} 个条款存在限制竞争问题，文件主要内容违反公平竞争审查标准"
        )
    else:
        doc.verdict = "amend"
        reasons.insert(0, f"{len(clause_ids) or len(flagged)} 处条款需修改")
    doc.reasons = reasons
