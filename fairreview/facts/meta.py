"""What a document says about itself: 文号, 发文机关, 成文/印发日期, 施行日期, 有效期 → :class:`Meta`.

Works on the normalised text (NFKC: （）→(), ［］→[]). Each fact is taken only from the place a 公文 puts it
(GB/T 9704): the 文号 on its own line in the header, the issuer from the 落款 (organ name right above the
date) or the 红头, the dates from the 落款 and from sentences about *this* document
(本办法自…起施行，有效期…).
A value that cannot be found reliably is None — a wrong expiry date would wrongly make a document 失效.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..model import Meta
from .dates import DATE, DATE_TEXT, add_years, cn_int, find_dates, parse_date, parse_match

# ---- 文号 ------------------------------------------------------------------------------------------------
_OPEN, _CLOSE = re.escape("〔[(【"), re.escape("〕])】")
DOC_NUMBER = re.compile(
    rf"(?P<prefix>[\u4e00-\u9fffA-Za-z]{{1,16}})\s*[{_OPEN}]\s*(?P<year>(?:19|20)\d{{2}})\s*[{_CLOSE}]\s*第?\s*"
    r"(?P<num>\d{1,5})\s*号"
)
_HEAD_LINES = 15
_TITLE_FIRST = re.compile(r"^《[^》]{2,80}》\s*")
_SIGNER = re.compile(r"\s*(签发人|$)")

# ---- issuer -------------------------------------------------------------------------------------------
_ORG_END = (
    r"(?:人民政府|政府|办公厅|办公室|委员会|管委会|管理委员会|领导小组|小组|局|厅|委|办|中心|部|院|署|"
    r"银行|分行|支行|公司|集团|协会|商会|联合会|党委|委员会|监管局|分局|总局|总队|支队|大队|所|站|处|馆)"
)
_ORG_LINE = re.compile(rf"^[\u4e00-\u9fff()（）、·“”\"\s]{{2,60}}{_ORG_END}$")
_SEAL = re.compile(r"\((?:代章|盖章|印章)\)$")
_RED_HEAD = re.compile(rf"^(?P<org>[\u4e00-\u9fff()、\s]{{2,60}}{_ORG_END})\s*文件$")
_TITLE_ISSUER = re.compile(rf"^(?P<org>[\u4e00-\u9fff()、\s]{{2,60}}?{_ORG_END})(?:关于|印发|转发)")
_JOINT, _JOINT_WIDE = re.compile(r"\s+|、"), re.compile(r"\s{2,}|、")
_NOT_ORG = re.compile(r"[,，。;；:：!?]|^(?:各|关于|附件|抄送|主送|联系人|印发|此件)")

# ---- dates --------------------------------------------------------------------------------------------
_SELF = re.compile(
    r"(?:本(?![条款项章节市县区省级])|以上|上述)《?(?:[\u4e00-\u9fff]{0,12}?)"
    r"(?:办法|通知|意见|规定|细则|方案|措施|政策|文件|决定|规则|制度|指引|指南|条例|规划|计划|公告|通告|"
    r"规程|标准|目录|清单|实施意见|若干措施|若干规定|补充规定|暂行规定|试行)"
)
#: a period that covers only part of the document (其中第八条至第十一条…, 第一至第五项措施…)
_PARTIAL = re.compile(r"第[一二三四五六七八九十百\d]+(?:条|项|款|点)|其中|部分|个别|除.{0,12}外")
_ISSUED_REF = r"(?:印发|发布|公布|发文|签发|颁布|下发|出台)"
_IN_FORCE = r"(?:施行|实施|执行|试行|生效)"
_EFFECTIVE_DATE = re.compile(rf"自\s*(?P<date>{DATE_TEXT})\s*(?:起|开始)?\s*{_IN_FORCE}")
_EFFECTIVE_ISSUED = re.compile(rf"自\s*{_ISSUED_REF}\s*之?\s*日\s*(?:起|开始)?\s*{_IN_FORCE}")
_PERIOD_WORD = r"(?:有效期|执行期|实施期|施行期|试行期|有效期限|执行期限|实施期限|施行期限|试行期限)"
_UNTIL = re.compile(
    rf"(?:{_PERIOD_WORD}\s*(?:为|是|暂定为?|延长|延续)?\s*(?:至|到|截至|截止到?)|{_IN_FORCE}\s*(?:至|到)|"
    rf"(?:有效|执行|实施)\s*(?:至|到|截至|截止到?))\s*(?P<date>{DATE_TEXT})"
)
_RANGE = re.compile(
    rf"(?P<from>{DATE_TEXT})\s*(?:起)?\s*(?:{_IN_FORCE}\s*)?[,，]?\s*(?:至|到|—|–|-|~|－)\s*"
    rf"(?P<to>{DATE_TEXT})\s*(?:止|废止|失效|结束)?"
)
_RANGE_WORD = re.compile(rf"{_PERIOD_WORD}|{_IN_FORCE}|止")
_LEAD_MARKER = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+条|[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|"
    r"\d+[、.](?!\d))\s*"
)
_END = re.compile(rf"(?P<date>{DATE_TEXT})\s*(?:截止|止|终止|失效|废止)")
_YEARS = re.compile(
    rf"(?:{_PERIOD_WORD}|试行)\s*(?:为|是|暂定为?)?\s*(?P<n>\d{{1,2}}|[一二两三四五六七八九十]{{1,2}})\s*"
    r"(?P<unit>年|个月|周年)"
)
#: "暂定三年有效期", "为期2年的试行期": the number before the period word
_YEARS_BEFORE = re.compile(
    rf"(?:暂定|为期)?\s*(?P<n>\d{{1,2}}|[一二两三四五六七八九十]{{1,2}})\s*(?P<unit>年|个月|周年)\s*(?:的)?\s*"
    rf"{_PERIOD_WORD}"
)
#: a period word that a line break separates from its end ("有效期\n至2025年…"): joined before sentences are cut
_BROKEN_PERIOD = re.compile(rf"({_PERIOD_WORD}\s*(?:为|是|暂定为?)?)[ \t]*\n\s*(?=至|到|截至|截止|为|\d|[一二两三四五六七八九十]{{1,2}}\s*(?:年|个月))")
#: the document says it goes on being applied to what it granted before it ended (未兑现的奖励按原政策继续执行)
_PENDING = (r"(?:未兑现|尚未兑现|未兑付|尚未兑付|未拨付|未享受完|未执行完|已签约|已签订|已认定|已立项|已批准|已审批|"
            r"已享受|正在享受|已落地|已申报|已获批|已承诺)")
_GO_ON = (r"(?:继续执行|继续兑现|继续享受|继续有效|按原政策(?:继续)?(?:执行|兑现|享受)|"
          r"按原(?:规定|标准|协议|约定)(?:继续)?(?:执行|兑现)|(?:执行|兑现|享受)(?:至|到)(?:期满|兑现完毕|协议期满|结束)|兑现完毕)")
_AFTER_END = r"(?:有效期满|有效期届满|(?:政策|措施|办法|文件|意见|细则)(?:期满|到期|届满|失效|废止|停止执行))后"
_GO_ON_RE = re.compile(_GO_ON)
_CONTINUES = re.compile(rf"{_PENDING}[^。;]{{0,50}}?{_GO_ON}|{_AFTER_END}[^。;]{{0,40}}?{_GO_ON}")
#: another document named in the sentence: then what goes on is that document's, not this one's
_OTHER_DOC = re.compile(r"〔\d{4}〕|\[\d{4}\]|\(\d{4}\)\d+号|《")
_IN_FORCE_PERIOD = re.compile(rf"{_IN_FORCE}.{{0,20}}有效期")
#: other things that have a 有效期 in a policy text — not the document's own period
_OTHER_PERIOD = re.compile(
    r"证书|资格|认定|许可证|执照|贷款|合同|协议|承诺|授信|保函|备案|公示|票据|评价结果"
)


def _lines(text: str) -> list[str]:
    return [ln.strip().lstrip("#").strip() for ln in text.split("\n") if ln.strip()]


def canonical_number(m: re.Match[str]) -> str:
    """文号 with the standard 六角括号: 白政发[2018]14号 → 白政发〔2018〕14号."""
    return f"{m.group('prefix')}〔{m.group('year')}〕{m.group('num')}号"


def find_doc_number(lines: list[str]) -> str | None:
    """The document's own 文号: a header line that is (or starts with) a 文号, possibly in brackets."""
    for i, line in enumerate(lines[:_HEAD_LINES]):
        if i < 2:  # "《title》文号" as the first line of a web page; further down such a line is a citation
            line = _TITLE_FIRST.sub("", line)
        bare = line.strip("()（）[]【】 ")
        m = DOC_NUMBER.match(bare)
        if m and (len(bare) - m.end() <= 2 or _SIGNER.match(bare[m.end():])):
            return canonical_number(m)
    return None


def _is_org(line: str) -> bool:
    line = _SEAL.sub("", line).strip()
    return bool(_ORG_LINE.match(line)) and not _NOT_ORG.search(line) and len(line) <= 60


def _org_names(line: str) -> list[str]:
    """One 落款 line → organ names: joint issuers may share a line, separated by spaces or 、."""
    line = _SEAL.sub("", line).strip()
    parts = [p for p in _JOINT.split(line) if p]
    if len(parts) > 1 and all(_ORG_LINE.match(p) for p in parts):
        return parts
    return [p for p in _JOINT_WIDE.split(line) if p.strip()]


_PRINTED_WORD = re.compile(r"(印发|发布|印)$")


def _date_line(line: str) -> dt.date | None:
    """A line that is only a date (a 落款 date, maybe in brackets or with 印发)."""
    if "年" not in line:  # every DATE has it: most lines are done here
        return None
    bare = line.strip("()（） ")
    m = DATE.fullmatch(bare) or DATE.fullmatch(_PRINTED_WORD.sub("", bare).strip())
    if not m:
        return None
    found = parse_match(m)
    return found.date if found and found.precise else None


_INLINE_SIGNATURE = re.compile(rf"^(?P<org>.+?)\s+(?P<date>{DATE_TEXT})$")


def find_signature(lines: list[str]) -> tuple[str | None, dt.date | None]:
    """The first 落款: organ line(s) directly above a date line → (issuer, 成文日期)."""
    for i, line in enumerate(lines):
        date = _date_line(line)
        inline = None
        if date is None and "年" in line:
            # "XX人民政府  2024年3月5日" on one line
            m = _INLINE_SIGNATURE.match(line)
            if m and _is_org(m.group("org").strip()):
                found = parse_match(DATE.fullmatch(m.group("date")))  # type: ignore[arg-type]
                if found and found.precise:
                    inline, date = m.group("org").strip(), found.date
        if date is None:
            continue
        orgs = [inline] if inline else []
        j = i - 1
        while j >= 0 and i - j <= 12 and _is_org(lines[j]):
            orgs.insert(0, lines[j])
            j -= 1
        if orgs:
            names = [n.strip() for o in orgs for n in _org_names(o)]
            return "、".join(names), date
    return None, None


def find_date_line(lines: list[str]) -> dt.date | None:
    """A date standing alone on its line (成文日期 without a recognisable organ above it)."""
    for line in lines:
        date = _date_line(line)
        if date is not None:
            return date
    return None


def find_red_head(lines: list[str]) -> str | None:
    for line in lines[:5]:
        m = _RED_HEAD.match(line.replace(" ", ""))
        if m:
            return m.group("org")
    return None


def issuer_from_title(title: str | None) -> str | None:
    if not title:
        return None
    m = _TITLE_ISSUER.match(title.replace(" ", ""))
    return m.group("org") if m else None


def _sentences(text: str) -> list[str]:
    """Every sentence of ``text``: what :func:`_sentences_with` finds the few needed of, without this cut."""
    return [s for s in _SENTENCE_BREAK.split(text) if s.strip()]


def _sentences_with(text: str, rx: re.Pattern[str]) -> list[str]:
    """The sentences of :func:`_sentences` in which ``rx`` matches, for an ``rx`` whose matches are never
    empty and hold no sentence break: each found around a match, from the nearest breaks before it (searched
    in the reversed text) and after it, without cutting every sentence out."""
    out: list[str] = []
    n, rev = len(text), ""
    pos = 0
    while (m := rx.search(text, pos)) is not None:
        rev = rev or text[::-1]
        before = _BREAK.search(rev, n - m.start())
        start = n - before.start() if before else 0
        after = _BREAK.search(text, m.end())
        end = n if after is None else after.start() if after.group(0) == "\n" else after.end()
        out.append(text[start:end])
        pos = end
    return out


_CITED = re.compile(r"《([^》]{2,80})》")
_SENTENCE_BREAK = re.compile(r"(?<=[。;；!?！？])|\n")
_BREAK = re.compile(r"[。;；!?！？]|\n")  # what _SENTENCE_BREAK cuts after (a line end: at)


def _about_self(sentence: str, title: str | None) -> bool:
    """The sentence speaks of this document (本办法…), not of a law it cites or a certificate it grants."""
    if _SELF.search(sentence):
        return True
    cited = _CITED.findall(sentence)
    if cited and title:
        return any(c in title or title.endswith(c) for c in cited)
    return False


#: every step of find_dates_in_force needs one of these (_IN_FORCE, a _PERIOD_WORD, 有效…至, or 止 of a range)
_MAY_DATE = re.compile(r"施行|实施|执行|试行|生效|有效|止")


@dataclass
class InForce:
    """What the sentences about this document say of its time in force."""

    effective: dt.date | None = None
    expires: dt.date | None = None
    #: a period counted from a date the document does not give ("自印发之日起施行，有效期1年" without a date)
    period: str | None = None


def _relative(sent: str) -> re.Match[str] | None:
    """"有效期2年" / "暂定三年有效期" — not "有效期为一年的购房券" (the period of something it hands out)."""
    for rx in (_YEARS, _YEARS_BEFORE):
        for m in rx.finditer(sent):
            if not sent.startswith("的", m.end()):
                return m
    return None


def find_dates_in_force(text: str, title: str | None, issued: dt.date | None) -> InForce:
    """施行日期, 有效期截止日 (or the period whose start is unknown) from sentences about this document; the
    first sentence that gives one wins."""
    force = InForce()
    for raw in _sentences_with(_BROKEN_PERIOD.sub(r"\1", text), _MAY_DATE):
        sent = _dating_sentence(raw, title)
        if sent is None:
            continue
        if force.effective is None:
            force.effective = _effective(sent, issued)
        if force.expires is None:
            _read_period(sent, force, issued)
    if force.expires:
        force.period = None  # a period with no start is only worth showing when no end date was found
    return force


def _dating_sentence(sent: str, title: str | None) -> str | None:
    """The sentence without its article number if it may date this document (not a cited law, not another
    period such as a licence's), else None."""
    if not _MAY_DATE.search(sent):  # no word that any step reads: the sentence changes nothing
        return None
    sent = _LEAD_MARKER.sub("", sent.strip())  # "第三十条 本办法…": the article's own number is no scope
    if not _about_self(sent, title) and not _IN_FORCE_PERIOD.search(sent):
        return None
    if _OTHER_PERIOD.search(sent) and not _SELF.search(sent):
        return None
    return sent


def _effective(sent: str, issued: dt.date | None) -> dt.date | None:
    """施行日期: 自…起施行, or 自印发之日起施行 (the 成文日期)."""
    m = _EFFECTIVE_DATE.search(sent)
    if m:
        return parse_date(m.group("date"))
    if _EFFECTIVE_ISSUED.search(sent):
        return issued
    return None


def _read_period(sent: str, force: InForce, issued: dt.date | None) -> None:
    """The document's end from one sentence: 有效期至…, a date range (which may also give the start),
    自…生效…截止, or a number of years from the start."""
    m = _UNTIL.search(sent)
    if (m and _PARTIAL.search(sent[: m.start()])) or (not m and _PARTIAL.search(sent)):
        return  # the period of some articles or items, not of the document
    if m:
        force.expires = parse_date(m.group("date"), end=True)
        return
    r = _RANGE.search(sent)
    if r and _RANGE_WORD.search(sent):
        if force.effective is None:
            force.effective = parse_date(r.group("from"))
        force.expires = parse_date(r.group("to"), end=True)
        return
    since = _EFFECTIVE_DATE.search(sent)
    end = _END.search(sent) if since else None
    if since and end and end.start() > since.end():
        force.expires = parse_date(end.group("date"), end=True)  # 自…生效，…截止
        return
    _read_relative(sent, force, force.effective or issued)


def _read_relative(sent: str, force: InForce, start: dt.date | None) -> None:
    """有效期N年 / N个月: the end counted from ``start``, or without a start the period as written."""
    y = _relative(sent)
    n = cn_int(y.group("n")) if y else None
    if not (y and n):
        return
    if start is not None:
        months = n if y.group("unit") == "个月" else 0
        force.expires = add_years(start, 0 if months else n, months)
    elif force.period is None:
        force.period = y.group(0).strip()


def continues_whole(sentence: str) -> bool:
    """The document as a whole goes on after its period ("期满后如无新规定，继续执行"), not only what it
    granted before it ended ("已签约未兑现的奖励按原政策执行")."""
    return not re.search(_PENDING, sentence)


def find_continuation(text: str, title: str | None) -> str | None:
    """The sentence saying that what this document granted goes on being paid or applied after it ends."""
    # every such sentence says 继续执行 or the like: only those are read (most documents have none)
    for sent in _sentences_with(text, _GO_ON_RE):
        m = _CONTINUES.search(sent)
        if m is None:
            continue
        cited = re.findall(r"《([^》]{2,80})》", sent)
        about_other = _OTHER_DOC.search(sent) and not (title and cited and all(c in title for c in cited))
        if not about_other:
            return sent.strip()
    return None


_PRINTED = re.compile(rf"(?P<date>{DATE_TEXT})\s*印发$")


def find_print_date(lines: list[str]) -> dt.date | None:
    """印发日期 in the 版记: "XX办公室  2024年3月5日印发"."""
    for line in reversed(lines[-8:]):
        m = _PRINTED.search(line)
        if m:
            found = find_dates(m.group("date"))
            if found and found[0].precise:
                return found[0].date
    return None


def extract_meta(text: str, title: str | None = None) -> Meta:
    """Facts of one document from its normalised text (and the title the structure step found)."""
    lines = _lines(text)
    issuer, issued = find_signature(lines)
    issuer = issuer or find_red_head(lines) or issuer_from_title(title)
    issued = issued or find_print_date(lines) or find_date_line(lines)
    force = find_dates_in_force(text, title, issued)
    return Meta(
        doc_number=find_doc_number(lines),
        issuer=issuer,
        issued=issued.isoformat() if issued else None,
        effective=force.effective.isoformat() if force.effective else None,
        expires=force.expires.isoformat() if force.expires else None,
        period=force.period,
        continues=find_continuation(text, title),
    )


def meta_line(meta: Meta) -> str | None:
    """One line for the table: 文号 · 发文机关 · 成文 · 施行 · 有效期至 (only what was found)."""
    parts = [
        f"文号 {meta.doc_number}" if meta.doc_number else "",
        f"发文机关 {meta.issuer}" if meta.issuer else "",
        f"成文 {meta.issued}" if meta.issued else "",
        f"施行 {meta.effective}" if meta.effective else "",
        f"有效期至 {meta.expires}" if meta.expires else "",
    ]
    shown = [p for p in parts if p]
    return " · ".join(shown) if shown else None
