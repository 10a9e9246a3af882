"""The Chinese names of the codes in results: what the table, the ledger, SARIF and the review screen show.

Results carry codes (``amend``, ``warning``, ``dismissed``); only presentation turns them into words. The
JSON contract carries both (``verdict`` and ``verdict_zh``).
"""

from __future__ import annotations

from collections.abc import Mapping

VERDICT_ZH = {"retain": "保留", "amend": "修改", "repeal": "废止", "expired": "失效", "error": "无法读取"}
SEVERITY_ZH = {"error": "明显违反", "warning": "疑似", "info": "提示"}

# review decisions on findings, a finding's review status, a document's final conclusion
KIND_ZH = {"confirmed": "确认违规", "dismissed": "误报", "exception": "适用例外", "reopened": "撤销复核"}
STATUS_ZH = {
    "confirmed": "确认违规",
    "dismissed": "误报",
    "exception": "适用例外",
    "exception_expired": "例外已到期",
    "open": "待复核",
}
CONCLUSION_ZH = {k: VERDICT_ZH[k] for k in ("retain", "amend", "repeal", "expired")}
CONCLUSION_FROM_ZH = {v: k for k, v in CONCLUSION_ZH.items()}


# Where a precedent was published, as a reader names it; the raw ``source`` of the package data
# (``repo:owner/name:file#row``) says where the project collected it and stays in JSON and SARIF.
PRECEDENT_SOURCES = {
    "beijing_cases.html": "北京市公平竞争审查典型案例",
    "全国公平竞争审查督查发现的问题政策措施.xlsx": "全国公平竞争审查督查发现的问题政策措施",
}
PRECEDENT_SOURCE_DEFAULT = "市场监管部门公布的公平竞争审查典型案例"


def precedent_source(source: str) -> str:
    """A readable name for a precedent's source: never an internal string such as
    ``repo:…/dev.db.local_backup#Case.id=334``."""
    if not source:
        return PRECEDENT_SOURCE_DEFAULT
    file = source.split("#", 1)[0].rsplit(":", 1)[-1].rsplit("/", 1)[-1]
    return PRECEDENT_SOURCES.get(file, PRECEDENT_SOURCE_DEFAULT)


#: what an expired document with restrictive clauses carries wherever its conclusion is shown
EXPIRED_RESTRICTIVE = "含限制竞争内容，如继续执行或重新制定须修改"
TENTATIVE = "疑似，待复核"
LEGALITY_ONLY = "因引用已废止的法律法规"
CONTINUED = "有效期已满但仍在执行"


def verdict_label(verdict: str, grounds: str = "none", tentative: bool = False, restrictive: bool = False,
                  continued: bool = False) -> str:
    """The conclusion as a clerk reads it: the verdict and, where it matters, why (docs/conclusions.md)."""
    base = VERDICT_ZH[verdict]
    if verdict == "expired" and restrictive:
        return f"{base}（{EXPIRED_RESTRICTIVE}" + (f"；{TENTATIVE}）" if tentative else "）")
    if verdict in ("amend", "repeal", "retain") and continued:
        return f"{base}（{CONTINUED}）" + ("（疑似，待复核）" if tentative else "")
    if verdict == "amend" and tentative:
        return f"{base}（{TENTATIVE}）"
    if verdict == "amend" and grounds == "legality":
        return f"{base}（{LEGALITY_ONLY}）"
    return base


def summary_line(counts: Mapping[str, int]) -> str:
    """共排查 N 件：保留 …，修改 …（其中因引用已废止的法律法规 …），废止 …，失效 …（其中 … 件含限制竞争内容，…），
    无法读取 … (``counts`` as :func:`fairreview.model.tally` gives); competition problems and legality notes
    are counted apart."""
    amend = []
    if counts.get("amend_legality"):
        amend.append(f"{LEGALITY_ONLY} {counts['amend_legality']} 件")
    if counts.get("amend_tentative"):
        amend.append(f"疑似待复核 {counts['amend_tentative']} 件")
    if counts.get("amend_continued"):
        amend.append(f"{CONTINUED} {counts['amend_continued']} 件")
    n = counts.get("expired_restrictive")
    expired = f"（其中 {n} 件{EXPIRED_RESTRICTIVE}）" if n else ""
    line = (
        f"共排查 {counts['documents']} 件：保留 {counts['retain']} 件，"
        f"修改 {counts['amend']} 件" + (f"（其中{'，'.join(amend)}）" if amend else "") + "，"
        f"废止 {counts['repeal']} 件，失效 {counts['expired']} 件{expired}，无法读取 {counts['error']} 件"
    )
    if counts.get("to_check"):
        line += f"；{counts['to_check']} 件的有效期须人工核实"
    return line
