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


def summary_line(counts: Mapping[str, int]) -> str:
    """共排查 N 件：保留 …，修改 …，废止 …，失效 …，无法读取 … (``counts`` as :meth:`Report.summary` gives)."""
    return (
        f"共排查 {counts['documents']} 件：保留 {counts['retain']} 件，修改 {counts['amend']} 件，"
        f"废止 {counts['repeal']} 件，失效 {counts['expired']} 件，无法读取 {counts['error']} 件"
    )
