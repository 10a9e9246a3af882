"""Polarity: is the thing a rule found forbidden, restated as a ban, or quoted from a law?

"不得限定……" restates the ban of 条例 Art. 8(三); "外地企业不得参与" imposes a restriction. What decides is
where the negation stands, read one comma-clause (分句) at a time:

- a ban cue (``$restated_ban``: 不得, 禁止, 清理, 取消 …) in the matched words' own comma-clause, *before* them
  and not cancelled by a turn (但, 同时 …), negates them; one after them does not;
- a ban in an earlier comma-clause governs a later one only through an instrumental adjunct that ends at the
  comma ("不得以……为由，要求……"); a purpose clause ("为避免无序投放，……") does not;
- an item inherits the ban of its lead-in ("经营者不得实施下列行为：（一）……");
- a sentence chained by "；" to a ban that reaches its end inherits it when it has no subject of its own and
  opens with the act ("不得滥用行政权力，限定……；限定他人购买……；限制……": parallel acts under one ban);
- a quotation of a law (《……法》……规定) before the matched words.

Text is normalised (NFKC), so punctuation is half-width.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..concepts.spans import SentenceView
from ..regex import Regex

# "不得低于 50 万元" limits a quantity; in scoring rules a closing "不得分" means "scores no points".
_NOT_A_BAN = re.compile(
    r"(低于|少于|超过|高于|晚于|早于|迟于|多于|小于|大于|短于|长于|分(?=$|[,;。:)(\s、]))"
)
# "须承诺5年内不得迁出" states what an operator must pledge: the ban is the restriction, not a restated one.
_PLEDGE_RE = re.compile(r"(承诺|保证(?!金|保险|期)|承诺书|签订承诺)[^,。;:]{0,12}$")
# Words after which an earlier ban no longer governs the rest of the clause.
_RESET_RE = re.compile(r"但是|但|然而|除外|同时|另外|此外|并且要求|对于")
# An adjunct that carries a ban over the comma into the next clause: 不得以……为由，/ 不得通过……方式，
_INSTRUMENTAL_END = re.compile(
    r"(为由|为名|名义|方式|手段|形式|为条件|等为条件|等方式|等手段|等形式|为借口|变相|滥用行政权力|滥用权力|利用职权|利用职务便利|"
    r"违反[^,;]{0,20}规定|不同)$"
)
# "违反本条例规定，向企业摊派的，由……责令改正": the act before "的," is what the sentence penalises
_PENALTY = re.compile(
    r"的(单位|个人|单位和个人|人员|企业|经营者)?,[^。;]{0,40}(责令|罚款|处分|追究|没收|予以警告|给予警告|依法处理|依法处罚|吊销|撤销|"
    r"取缔|予以制止|应予制止|予以纠正|追回)"
)
_LAW_CITE = re.compile(r"《[^《》]{2,40}(法|条例|办法|规定|细则|决定|意见|通知)》(第[^,。;]{1,12}条)?[^。;]{0,6}(规定|明确|指出)")
_QUOTE_OPEN = re.compile(r"(规定|明确|指出|提出|强调)[:,]?[“\"]")


@dataclass(frozen=True)
class Polarity:
    negated: bool
    cue: str = ""
    kind: str = ""  # "ban" or "quote"


def _last_ban(text: str, lo: int, hi: int, ban: Regex, overlap: bool = True) -> re.Match[str] | None:
    """The last ban cue that starts in [lo, hi); with ``overlap`` it may run into the matched words at hi
    (不以 before 以…), without it (between matched words) it must end before them."""
    last = None
    for m in ban.finditer(text, lo, min(len(text), hi + 3) if overlap else hi):
        if m.start() >= hi:
            break
        if m.group(0) in ("不得", "不应", "不能") and _NOT_A_BAN.match(text, m.end()):
            continue
        if _PLEDGE_RE.search(text, max(lo, m.start() - 16), m.start()):
            continue
        last = m
    if last is not None and _RESET_RE.search(text, last.end(), hi):
        return None
    return last


_NONE = Polarity(False)


def _ban(m: re.Match[str] | None, kind: str = "ban") -> Polarity:
    return Polarity(True, m.group(0), kind) if m is not None else _NONE


def _between(view: SentenceView, ban: Regex, parts: tuple[tuple[int, int, str], ...]) -> Polarity:
    """A ban between the matched words, inside one clause."""
    ordered = sorted(parts)
    for (_, a, _), (b, _, _) in zip(ordered, ordered[1:], strict=False):
        if b > a and view.clause_index(a) == view.clause_index(b - 1):
            m = _last_ban(view.text, a, b, ban, overlap=False)
            if m is not None:
                return _ban(m)
    return _NONE


def _carried(view: SentenceView, idx: int, ban: Regex) -> Polarity:
    """Earlier clauses that end in an instrumental adjunct ("不得以…为由,") carry their ban into this one."""
    for a, b in reversed(view.clauses[:idx]):
        if not _INSTRUMENTAL_END.search(view.text[a:b].rstrip()):
            break
        m = _last_ban(view.text, a, b, ban)
        if m is not None:
            return _ban(m)
    return _NONE


def _quoted(before: str) -> Polarity:
    cite = _LAW_CITE.search(before)
    if cite is not None:
        return _ban(cite, "quote")
    q = None
    for q in _QUOTE_OPEN.finditer(before):  # noqa: B007 - keep the last opening quote
        pass
    if q is not None and "”" not in before[q.end():] and '"' not in before[q.end():]:
        return _ban(q, "quote")
    return _NONE


def polarity(view: SentenceView, head: int, ban: Regex,
             parts: tuple[tuple[int, int, str], ...] = ()) -> Polarity:
    """Polarity of the words at ``head`` (an offset into the sentence); ``parts`` are the matched words,
    between which a ban also counts ("准入条件不得与经济贡献挂钩")."""
    idx = view.clause_index(head)
    checks = (
        lambda: _ban(_last_ban(view.text, view.clauses[idx][0], head, ban)),
        lambda: _between(view, ban, parts),
        lambda: _carried(view, idx, ban),
        lambda: _ban(_PENALTY.search(view.text, head), "penalty"),
        lambda: _quoted(view.text[:head]),
    )
    for check in checks:
        pol = check()
        if pol.negated:
            return pol
    return _NONE


# A sentence chained by "；" that goes on listing banned acts: it opens with the act itself, no subject
# ("限定他人购买…", "以设定歧视性标准等方式…", "对外地商品…"); one that opens otherwise ("对本地企业给予奖励")
# is a measure of its own.
_CHAIN_START = re.compile(
    r"(?:或者?|及|以及|也不得|亦不得)?(?:限定|限制|指定|强制|强迫|排斥|排除|拒绝|阻碍|阻止|妨碍|设置|设定|实行|采取|"
    r"擅自|变相|以[^,;。]{1,30}(?:方式|手段|为由|名义)|通过|对外地|对非本地|对外来|对其他地区)"
)


def chained_ban(previous: list[str], sentence: str, ban: Regex) -> Polarity:
    """Polarity a sentence inherits from the sentences before it in its clause (``previous``, nearest
    last) that it continues after a "；": the first one that does not end in "；", or whose ban does not
    reach its end, stops the chain."""
    text = sentence
    for prev in reversed(previous):
        prev = prev.rstrip()
        if not prev.endswith(";") or not _CHAIN_START.match(text.lstrip()):
            return _NONE
        pol = polarity(SentenceView(prev), len(prev) - 1, ban)
        if pol.negated:
            return pol if pol.kind == "ban" else _NONE
        text = prev
    return _NONE


# A list item whose lead-in (总起句) bans or penalises "下列" acts restates the ban for every item:
# "经营者不得实施下列行为：（一）限定他人购买其指定的经营者的商品";
# "有下列行为之一的，由……责令改正，处……罚款".
_LEAD_BAN = re.compile(
    r"(不得|禁止|严禁|不准|不允许|不应当|不应)[^。;]{0,30}下列"
    r"|下列[^。;]{0,6}(行为|情形|活动|内容|事项)之一[^。]{0,80}(责令|罚款|处分|追究|处以|予以处罚|没收|予以警告|给予警告)"
    r"|(清理|废止|纠正|取消|查处)[^。;]{0,30}(下列|以下|如下)"
)


def lead_in_polarity(lead: str) -> Polarity:
    """Polarity that a list item inherits from its lead-in sentence (the parent clause's text)."""
    m = _LEAD_BAN.search(lead)
    if m is None:
        return Polarity(False)
    return Polarity(True, m.group(0), "ban")
