"""The decision model (docs/conclusions.md states it for users, with the reasons for each threshold).

Findings are of two kinds: **competition findings** (the rules of 条例 第八至十一条 and the laws beside it)
and **legality notes** (a superseded legal basis, LG001). Validity is a fact of the document (facts/meta.py).

1. ``error``   the document could not be read — never ``retain``.
2. ``expired`` its 有效期 ended before the review date. With competition findings it stays 失效 but is marked
               restrictive ("含限制竞争内容，如继续执行或重新制定须修改"); if it also says that what it granted
               goes on being applied ("未兑现的奖励按原政策继续执行"), it is not 失效 at all: step 3 decides,
               and the assessment says it is ``continued``.
3. ``repeal``  the restriction is the document's purpose: an error-level competition finding in its title
               (or the title of the document an 印发通知 sends) or in its stated aim ("为……，制定本办法"), or
               at least ``REPEAL_MIN_MEASURES`` substantive measures flagged that are at least
               ``REPEAL_SHARE`` of them (headings, the stated aim and closing boilerplate are not measures:
               structure/roles.py), with at least one error among them.
4. ``amend``   any competition finding otherwise — ``tentative`` (修改（疑似，待复核）) when none is an error
               and no reviewer confirmed one; or only legality notes (grounds ``legality``).
5. ``retain``  nothing that counts. 提示 (info) findings never change the verdict.
"""

from __future__ import annotations

from ..facts.meta import continues_whole
from ..model import Assessment, DocumentResult, Finding, Outline, Structure
from ..report.labels import EXPIRED_RESTRICTIVE, verdict_label
from ..structure.roles import AIM, MEASURE, TITLE, clause_roles
from .reasons import Problem, legality_reasons, problem_reasons, problems

REPEAL_SHARE = 0.5
REPEAL_MIN_MEASURES = 3
#: rule families whose findings are legality notes, not restrictions of competition
LEGALITY_FAMILIES = frozenset({"LG"})


def family(rule: str) -> str:
    return rule.rstrip("0123456789")


def is_legality(f: Finding) -> bool:
    return family(f.rule) in LEGALITY_FAMILIES


def outline(structure: Structure, text: str, roles: bool = True) -> Outline:
    """What the verdict needs of the clause tree (kept with a stored result: the tree itself is not).
    ``roles``: the role of each clause, which only a document with findings needs (the scan leaves them out
    of the others: judging every clause of a regulation costs more than matching it)."""
    operative = {s.clause for s in structure.sentences
                 if not s.is_title and structure.clauses[s.clause].level != "front"}
    return Outline(operative_clauses=len(operative), roles=clause_roles(text, structure) if roles else [])


def _confirmed(f: Finding) -> bool:
    return f.review.status == "confirmed"


def conclude(doc: DocumentResult, as_of: str) -> None:
    """Set ``doc.verdict``, ``doc.reasons`` and ``doc.assessment`` in place, from the findings, the facts and
    ``doc.outline``. Findings a reviewer dismissed or excepted must already be left out (review/apply.py)."""
    if doc.error is not None:
        doc.verdict, doc.reasons = "error", [f"无法读取：{doc.error}"]
        doc.assessment = Assessment(label=verdict_label("error"), grounds="unreadable")
        return
    competition = [f for f in doc.flagged if not is_legality(f)]
    legality = [f for f in doc.flagged if is_legality(f)]
    found = problems(competition, lambda f: _role(doc.outline, f))
    a = Assessment(
        restrictive=bool(competition),
        problems=len(found),
        legality_notes=len(legality),
        hints=sum(1 for f in doc.findings if f.severity == "info"),
        tentative=bool(competition) and not any(f.severity == "error" or _confirmed(f) for f in competition),
        checks=_checks(doc),
    )
    expires = doc.meta.expires
    expired = bool(expires and expires < as_of)
    reasons: list[str] = []
    if expired:
        ended = f"有效期至 {expires}，早于审查基准日 {as_of}"
        going_on = doc.meta.continues.rstrip("。") if doc.meta.continues else None
        if going_on and (competition or continues_whole(going_on)):
            # still applied: judged on its content like a document in force
            a.continued = True
            what = "其中的限制竞争内容仍在执行" if competition else "文件仍在执行"
            reasons.append(f"{ended}，但文件规定“{going_on}”，{what}")
        else:
            doc.verdict, a.grounds = "expired", "validity"
            reasons.append(f"{ended}，文件已失效")
            if going_on:
                reasons.append(f"文件规定“{going_on}”，请核实相关事项的兑现情况")
            if competition:
                reasons.append(f"文件{EXPIRED_RESTRICTIVE}（共 {len(found)} 处）")
                reasons += problem_reasons(found)
            _finish(doc, a, reasons + legality_reasons(legality))
            return
    if competition:
        a.grounds = "competition"
        purpose = _purpose(competition, doc.outline)
        if purpose:
            doc.verdict = "repeal"
            reasons.append(purpose)
        else:
            doc.verdict = "amend"
            head = f"{len(found)} 处条款存在限制竞争问题，需修改"
            reasons.append(head + ("（均为疑似问题，须人工复核后确定）" if a.tentative else ""))
        reasons += problem_reasons(found)
    elif legality:
        doc.verdict, a.grounds = "amend", "legality"
        reasons.append(f"未发现排除、限制竞争的内容；{len(legality)} 处引用已废止或被替代的法律法规，需修改依据")
    else:
        doc.verdict = "retain"
        reasons.append("未发现排除、限制竞争的内容")
    _finish(doc, a, reasons + legality_reasons(legality))


def document_problems(doc: DocumentResult, findings: list[Finding]) -> list[Problem]:
    """``findings`` (competition findings of ``doc``) grouped into problems as the reasons group them."""
    return problems(findings, lambda f: _role(doc.outline, f))


def _finish(doc: DocumentResult, a: Assessment, reasons: list[str]) -> None:
    if a.hints:
        reasons.append(f"另有 {a.hints} 处提示，建议人工复核")
    reasons += a.checks
    a.label = verdict_label(doc.verdict, a.grounds, a.tentative, a.restrictive, a.continued)
    doc.reasons, doc.assessment = reasons, a


def _checks(doc: DocumentResult) -> list[str]:
    """What the clerk must look at by hand: a period whose start date the text does not give."""
    m = doc.meta
    if m.period and not m.expires:
        return [f"文件规定“{m.period}”，但未找到其印发或施行日期，无法推算是否已失效，请核实文件的成文日期"]
    return []


def _role(outline: Outline | None, f: Finding) -> str:
    if f.location == "标题":
        return TITLE
    roles = outline.roles if outline else []
    if f.clause is None or not 0 <= f.clause < len(roles):
        return MEASURE
    return roles[f.clause]


def _purpose(competition: list[Finding], outline: Outline | None) -> str | None:
    """Why the restriction is the document's purpose (a reason line), or None when it is not."""
    errors = [f for f in competition if f.severity == "error" or _confirmed(f)]
    for f in errors:
        role = _role(outline, f)
        if role == TITLE:
            return f"标题即以限制竞争为内容（{f.title}），文件的主要目的违反公平竞争审查标准"
        if role == AIM:
            return f"文件所述制定目的即以限制竞争为内容（{f.location}：{f.title}），文件的主要目的违反公平竞争审查标准"
    if outline is None or not outline.roles:
        return None
    # a flagged clause is substantive whatever its shape (a lead-in, a short item, a sentence among the
    # 保障措施): only the title and the stated aim, judged above, are not counted
    flagged = {f.clause for f in competition if f.clause is not None and _role(outline, f) not in (TITLE, AIM)}
    measures = {i for i, r in enumerate(outline.roles) if r == MEASURE} | flagged
    if not errors or not measures:
        return None
    share = len(flagged) / len(measures)
    if len(flagged) >= REPEAL_MIN_MEASURES and share >= REPEAL_SHARE:
        return (f"{len(measures)} 项实质性措施中有 {len(flagged)} 项存在限制竞争问题（标题、目的和附则等不计），"
                "文件的主要内容违反公平竞争审查标准")
    return None

