"""What each clause of a document is for: the title, a heading, the stated aim, closing boilerplate, the
procedure of a measure (申报、审核、拨付), or a substantive measure.

The conclusion needs this to tell a document whose measures are restrictive from one with a restrictive
clause among many lawful ones: headings ("一、支持企业做大做强"), the transmittal of an 印发通知, the 解释/施行/
有效期 sentences and the 落款 are not measures and must not dilute the share of restrictive ones. The stated
aim ("为……，制定本办法") is not a measure either, but a restriction there is the document's purpose.
Works on the normalised text (NFKC: full-width punctuation is ASCII).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Clause, Structure
from .markers import strip_marker

TITLE, FRONT, HEADING, AIM, CLOSING, PROCEDURE, MEASURE = (
    "title", "front", "heading", "aim", "closing", "procedure", "measure")
ROLES = (TITLE, FRONT, HEADING, AIM, CLOSING, PROCEDURE, MEASURE)

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
#: how the work is organised (组织领导, 宣传, 督查): what a 保障措施 part says, not a measure on the market
_SAFEGUARD = re.compile(
    r"组织领导|组织实施|统筹协调|牵头|宣传|解读|监督检查|督促检查|督查|考核|绩效评价|加强领导|压实责任|"
    r"责任分工|抓好落实|狠抓落实|形成合力|工作机制|联席会议"
)
#: the document's own 文号 on its own line (below the title in many web copies)
_DOC_NUMBER_LINE = re.compile(r"^[(（]?[\u4e00-\u9fffA-Za-z]{1,16}\s*[〔\[(【]\s*(?:19|20)\d{2}\s*[〕\])】]\s*第?\s*\d{1,5}\s*号[)）]?$")
_DATE_LINE = re.compile(r"^\(?(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年[^。,]{1,8}日\)?(?:印发)?$")
_ORG_LINE = re.compile(r"^[\u4e00-\u9fff()、\s]{2,40}(?:人民政府|政府|办公室|办公厅|委员会|管委会|局|厅|委|办|中心)"
                       r"(?:\((?:代章|盖章)\))?$")


#: how a measure is applied for, checked and paid (申报、审核、拨付、追回): the steps of a measure, not one
_PROCEDURE = re.compile(
    r"申报|申请|受理|审核|审查|审批|核实|核查|复核|公示|拨付|兑付|下达|提交|报送|材料|程序|流程|工作日|"
    r"退回|追回|追缴|骗取|套取|冒领|失信|追究"
)
#: …unless the sentence grants something itself ("对首次认定的企业给予20万元奖励")
_GRANT = re.compile(r"给予|予以|享受|可获得|减免|免收|免征|优惠|奖励(?!资金)|补贴(?!资金)|补助(?!资金)|支持")


_CLOSING_ANY = re.compile(f"{_CLOSING.pattern}|{_SAFEGUARD.pattern}")  # one pass for both


def _procedural(sentence: str) -> bool:
    return bool(_PROCEDURE.search(sentence)) and not _GRANT.search(sentence)


def _body(text: str) -> str:
    return strip_marker(text.strip())


_LINE_MAX = 60  # a 落款, date or 文号 line is short


def _closing_sentence(sentence: str) -> bool:
    """The sentence belongs to how a document is sent, closed or carried out, not to what it does."""
    s = sentence.strip()
    if _CLOSING_ANY.search(s):
        return True
    if len(s) <= _LINE_MAX and (_DATE_LINE.match(s) or _ORG_LINE.match(s) or _DOC_NUMBER_LINE.match(s)):
        return True
    return bool(_SELF.search(s) and _CLOSING_SELF.search(s))


@dataclass
class _Doc:
    """What the role of one clause is judged against."""

    title: str
    titles: set[str]  # the title and the titles it quotes (an 印发通知 sends 《…办法》)
    has_child: set[int]
    sentences: dict[int, list[str]]  # each clause's sentences, the first without its heading marker


def _short_line_role(i: int, body: str, doc: _Doc, front: bool) -> str | None:
    """A line that is not a sentence: a title, a 落款/date/文号 line, or a heading (None: an item).
    ``front``: an unnumbered line before the first measure, where the title of a sent document stands."""
    if _closing_sentence(body):
        return CLOSING
    if front and len(body) >= 6 and body in doc.title:
        return TITLE  # 印发…措施的通知 → 措施
    return HEADING if i in doc.has_child else None  # with nothing under it, a short line is a list item


def _role(i: int, clause: Clause, body: str, doc: _Doc, measures_before: bool) -> str:
    level = clause.level
    sents = doc.sentences.get(i, [])
    role: str | None = None
    if level in (TITLE, FRONT):
        role = level
    elif body in doc.titles:  # the title of the document an 印发通知 sends, or the title again
        role = TITLE
    elif not body or level == "annex":
        role = HEADING
    elif len(body) <= HEADING_MAX and not _SENTENCE_PUNCT.search(body):
        role = _short_line_role(i, body, doc, front=not clause.heading and not measures_before)
    elif body.endswith(":") and i in doc.has_child and len(sents) <= 1:
        role = HEADING  # a lead-in ("对企业给予下列支持："): its items are the measures
    elif not measures_before and _AIM.search(body):  # the stated aim comes before the measures
        role = AIM
    elif sents:
        closing = [_closing_sentence(s) for s in sents]
        if all(closing):
            role = CLOSING
        elif all(c or _procedural(s) for c, s in zip(closing, sents, strict=True)):
            role = PROCEDURE
    return role or MEASURE


def clause_roles(text: str, structure: Structure) -> list[str]:
    """One role per clause of ``structure`` (``text`` is the normalised text it was parsed from)."""
    sentences: dict[int, list[str]] = {}
    for s in structure.sentences:
        seen = sentences.setdefault(s.clause, [])
        sentence = text[s.start:s.end].strip()
        seen.append(sentence if seen else _body(sentence))  # only a clause's first sentence has a marker
    title = structure.title or ""
    doc = _Doc(title, set(re.findall(r"《([^》]{4,80})》", title)) | {title},
               {c.parent for c in structure.clauses if c.parent is not None}, sentences)
    roles: list[str] = []
    measures_before = False
    for i, clause in enumerate(structure.clauses):
        role = _role(i, clause, _body(text[clause.start:clause.end]), doc, measures_before)
        measures_before = measures_before or role == MEASURE
        roles.append(role)
    return roles
