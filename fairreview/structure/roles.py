"""What each clause of a document is for: the title, a heading, the stated aim, closing boilerplate, or a
substantive measure.

The conclusion needs this to tell a document whose measures are restrictive from one with a restrictive
clause among many lawful ones: headings ("一、支持企业做大做强"), the transmittal of an 印发通知, the 解释/施行/
有效期 sentences and the 落款 are not measures and must not dilute the share of restrictive ones. The stated
aim ("为……，制定本办法") is not a measure either, but a restriction there is the document's purpose.
Works on the normalised text (NFKC: full-width punctuation is ASCII).
"""

from __future__ import annotations

import re

from ..model import Structure

TITLE, FRONT, HEADING, AIM, CLOSING, MEASURE = "title", "front", "heading", "aim", "closing", "measure"
ROLES = (TITLE, FRONT, HEADING, AIM, CLOSING, MEASURE)

_MARKER = re.compile(
    r"^\s*(?:第[零〇一二三四五六七八九十百千两\d]+[编章节条]|[零〇一二三四五六七八九十百千两]+[、.]|"
    r"\([零〇一二三四五六七八九十百千两\d]+\)|\d{1,3}[、.,]?|[\u2460-\u2473]|附则)\s*"
)
_SENTENCE_PUNCT = re.compile(r"[。;!?]")
#: a heading is a short line that is not a sentence
HEADING_MAX = 30

_AIM = re.compile(
    r"^(?:为了?|根据|依据|按照|为深入|为进一步|为加快|为全面|为切实|为贯彻)[^。]{2,240}?"
    r"(?:制定本|特制定|现制定|制定如下|制定以下|制定了|提出如下|提出以下|特提出|现提出|现就[^。]{0,40}如下|"
    r"结合[^。]{0,20}实际)"
)
#: sentences that every document closes with or is sent with, and no restriction lives in
_CLOSING = re.compile(
    "|".join([
        r"负责解释|解释权",
        r"联系人|联系电话|咨询电话|电子邮箱|邮箱:",
        r"^\(?(?:责任单位|牵头单位|配合单位|主办单位)",
        r"^附件",
        r"特此(?:通知|公告|通告|函告|批复)",
        r"(?:印发|转发)给你们|请(?:认真)?(?:贯彻|遵照|抓好)",
        r"^各[^。]{0,80}:$",
    ])
)
#: the same about this document's own time in force, or about the documents it replaces
_CLOSING_SELF = re.compile(
    "|".join([
        r"(?:自|从|于)[^。]{0,30}(?:起|之日)\s*(?:施行|实施|执行|生效|试行)",
        r"有效期|执行期限|实施期限|试行期|有效期限",
        r"同时废止|同时失效|不再执行|停止执行",
        r"不一致的[^。]{0,12}(?:为准|执行)|从其规定|为准",
        r"参照(?:本[^。]{0,8})?执行",
    ])
)
_SELF = re.compile(r"^本|^以上|^上述|^此前|^原|《")
_DATE_LINE = re.compile(r"^\(?(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年[^。,]{1,8}日\)?(?:印发)?$")
_ORG_LINE = re.compile(r"^[\u4e00-\u9fff()、\s]{2,40}(?:人民政府|政府|办公室|办公厅|委员会|管委会|局|厅|委|办|中心)"
                       r"(?:\((?:代章|盖章)\))?$")


def _body(text: str) -> str:
    return _MARKER.sub("", text, count=1).strip()


def _closing_sentence(sentence: str) -> bool:
    s = sentence.strip()
    if _CLOSING.search(s) or _DATE_LINE.match(s) or _ORG_LINE.match(s):
        return True
    return bool(_SELF.search(s) and _CLOSING_SELF.search(s))


def clause_roles(text: str, structure: Structure) -> list[str]:
    """One role per clause of ``structure`` (``text`` is the normalised text it was parsed from)."""
    sentences: dict[int, list[str]] = {}
    for s in structure.sentences:
        sentences.setdefault(s.clause, []).append(text[s.start:s.end])
    has_child = {c.parent for c in structure.clauses if c.parent is not None}
    quoted = set(re.findall(r"《([^》]{4,80})》", structure.title or ""))
    titles = quoted | {structure.title or ""}
    roles: list[str] = []
    for i, clause in enumerate(structure.clauses):
        body = _body(text[clause.start:clause.end])
        sents = sentences.get(i, [])
        short = len(body) <= HEADING_MAX and not _SENTENCE_PUNCT.search(body)
        if clause.level in (TITLE, FRONT):
            roles.append(clause.level)
        elif body in titles:  # the title of the document an 印发通知 sends, or the title again
            roles.append(TITLE)
        elif not body or (short and i in has_child) or clause.level == "annex":
            roles.append(HEADING)  # a short unpunctuated line with nothing under it is a list item
        elif body.endswith(":") and i in has_child and len(sents) <= 1:
            roles.append(HEADING)  # a lead-in ("对企业给予下列支持："): its items are the measures
        elif MEASURE not in roles and _AIM.search(body):  # the stated aim comes before the measures
            roles.append(AIM)
        elif sents and all(_closing_sentence(_body(s)) for s in sents):
            roles.append(CLOSING)
        else:
            roles.append(MEASURE)
    return roles
