"""Polarity: is the thing a rule looks for forbidden, restated as a ban, or quoted from a law?

"不得限定……" restates the ban of 条例 Art. 8(三); "外地企业不得参与" imposes a restriction. The
difference is where the negation stands: a ban cue *before* the matched words negates them, one after them
does not. Text is normalised (NFKC), so punctuation is half-width.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Cues that forbid, counter or clean up the practice that follows them.
_CUES = (
    "不得", "不准", "不允许", "不许", "禁止", "严禁", "不应当", "不应", "不能", "不可", "不宜", "无权", "不再",
    "杜绝", "防止", "避免", "清理", "废止", "废除", "取消", "纠正", "破除", "消除", "打破", "反对", "查处",
    "制止", "摒弃", "纠治", "抵制", "不存在", "不涉及",
    "不含有", "不包含", "未设置", "不设置", "不设", "不搞", "不以", "不对", "不将", "不把", "不予设置",
)
# "不得低于 50 万元" limits a quantity; it is not a ban on the practice before or after it.
_NOT_A_BAN = re.compile(r"^(低于|少于|超过|高于|晚于|早于|迟于|多于|小于|大于|短于|长于)")
_CUE_RE = re.compile("|".join(sorted(map(re.escape, _CUES), key=len, reverse=True)))
# Words after which an earlier ban no longer governs the rest of the sentence.
_RESET_RE = re.compile(r"但是|但|然而|除外|同时|另外|此外|并且要求|对于")
# A quotation of a law: 《……法/条例/办法/规定》 (optionally 第X条) 规定, or text inside “” after 规定.
_LAW_CITE = re.compile(r"《[^《》]{2,40}(法|条例|办法|规定|细则|决定|意见|通知)》(第[^,。;]{1,12}条)?[^。;]{0,6}(规定|明确|指出)")
_QUOTE_OPEN = re.compile(r"(规定|明确|指出|提出|强调)[:,]?[“\"]")


@dataclass(frozen=True)
class Polarity:
    negated: bool
    cue: str = ""
    kind: str = ""  # "ban" or "quote"


def polarity(sentence: str, head: int) -> Polarity:
    """Polarity of the words at ``head`` (an offset into ``sentence``)."""
    before = sentence[:head]
    last = None
    for m in _CUE_RE.finditer(before):
        if m.group(0) == "不得" and _NOT_A_BAN.match(sentence, m.end()):
            continue
        last = m
    if last is not None and not _RESET_RE.search(before, last.end()):
        return Polarity(True, last.group(0), "ban")
    cite = _LAW_CITE.search(before)
    if cite is not None:
        return Polarity(True, cite.group(0), "quote")
    q = None
    for q in _QUOTE_OPEN.finditer(before):
        pass
    if q is not None and "”" not in before[q.end():] and '"' not in before[q.end():]:
        return Polarity(True, q.group(0), "quote")
    return Polarity(False)
