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
# "不得低于 50 万元" limits a quantity; it is not a ban on the practice before or after it. In scoring
# rules a closing "不得分" means "scores no points" ("不得分包/分支……" are not that).
# (No "^": it is used with .match(text, pos), where "^" would only match at offset 0.)
_NOT_A_BAN = re.compile(
    r"(低于|少于|超过|高于|晚于|早于|迟于|多于|小于|大于|短于|长于|分(?=$|[,;。:)(\s、]))"
)
_CUE_RE = re.compile("|".join(sorted(map(re.escape, _CUES), key=len, reverse=True)))
# "须承诺5年内不得迁出" states what an operator must pledge: the ban is the restriction, not a restated one.
_PLEDGE_RE = re.compile(r"(承诺|保证|承诺书|签订承诺)[^,。;:]{0,12}$")
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
    # A ban in an earlier sentence does not govern this one (one-line documents arrive unsplit).
    cut = max(before.rfind("。"), before.rfind(";")) + 1
    last = None
    for m in _CUE_RE.finditer(before, cut):
        if m.group(0) == "不得" and _NOT_A_BAN.match(sentence, m.end()):
            continue
        if _PLEDGE_RE.search(before, max(cut, m.start() - 16), m.start()):
            continue
        last = m
    if last is not None and not _RESET_RE.search(before, last.end()):
        return Polarity(True, last.group(0), "ban")
    cite = _LAW_CITE.search(before)
    if cite is not None:
        return Polarity(True, cite.group(0), "quote")
    q = None
    for q in _QUOTE_OPEN.finditer(before):  # noqa: B007 - keep the last opening quote
        pass
    if q is not None and "”" not in before[q.end():] and '"' not in before[q.end():]:
        return Polarity(True, q.group(0), "quote")
    return Polarity(False)


# A list item whose lead-in (总起句) bans or penalises "下列" acts restates the ban for every item:
# "经营者不得实施下列行为：（一）限定他人购买其指定的经营者的商品";
# "有下列行为之一的，由……责令改正，处……罚款".
_LEAD_BAN = re.compile(
    r"(不得|禁止|严禁|不准|不允许|不应当|不应)[^。;]{0,30}下列"
    r"|下列[^。;]{0,6}(行为|情形|活动|内容|事项)之一[^。]{0,80}(责令|罚款|处分|追究|处以|予以处罚|没收|予以警告|给予警告)"
)


def lead_in_polarity(lead: str) -> Polarity:
    """Polarity that a list item inherits from its lead-in sentence (the parent clause's text)."""
    m = _LEAD_BAN.search(lead)
    if m is None:
        return Polarity(False)
    return Polarity(True, m.group(0), "ban")

