"""PLACE spans: administrative divisions, towns, parks, deictic places, placeholders, outsiders.

Kinds (``Span.kind``):

- ``admin``: a 省/市/县/区/旗 of China from the gazetteer, full form (鼓楼区, 江苏省) or short form (鼓楼,
  江苏) where a locality cue makes it a place (在/于… before it, 注册/境内/以外/企业… after it), so that 新兴产业
  or 合作协议 stay words; one-character abbreviations (京, 沪, 甬 …) only between 在/来/赴 and a cue;
- ``town`` (…镇/乡/街道/苏木) and ``park`` (…开发区/产业园/园区 …) with a proper name before the suffix;
- ``deictic``: the document's own territory (本地, 本市, 我县, 辖区, 区域内, 当地, 属地, 项目所在地 …);
- ``placeholder``: anonymised names (某市, 某某区, XX县);
- ``outside``: other places as such (外地, 外省, 市外, 异地, 非本地 …);
- ``national``: the whole country (中华人民共和国境内, 国内, 全国, 境内 on its own) — never a locality.

``LOCAL_KINDS`` are the kinds that can make a requirement local.
"""

from __future__ import annotations

import functools
import re

import ahocorasick_rs

from ..regex import Regex
from .gazetteer import AMBIGUOUS_FULL, ambiguous_short, names
from .needs import Need, of_terms, union
from .spans import SentenceView, Span

LOCAL_KINDS = frozenset({"admin", "town", "park", "deictic", "placeholder"})
#: 区属/市属/县直: owned by or attached to the level of government (a public firm), not where a firm is
AFFILIATION = ("区属", "市属", "县属", "镇属", "乡属", "市直", "区直", "县直", "省属")

DEICTIC = (
    "本地区", "本地", "本市", "本区", "本县", "本省", "本镇", "本乡", "本州", "本盟", "本旗", "本街道", "本园区",
    "本开发区", "本经开区", "本高新区", "本新区", "本示范区", "本试验区", "本自贸区", "本保税区", "本合作区", "本产业园",
    "本工业园", "本工业园区", "该园区", "我园区", "我开发区", "我经开区", "我高新区", "我新区",
    "我市", "我区", "我县", "我省", "我镇", "我乡", "我州", "我旗", "我盟", "全市", "全区", "全县", "全省", "全镇",
    "该市", "该区", "该县", "该省", "本辖区", "辖区内", "辖区", "区内", "市内", "县内", "省内", "镇内", "乡内",
    "园区内", "区域内", "本区域", "本行政区域", "行政区域内", "行政区内", "域内", "当地", "属地", "本土", "本埠",
    "项目所在地", "采购人所在地", "招标人所在地", "甲方所在地", "项目实施地", "项目实施区域", "服务所在地",
    "工程所在地", "市区范围",
)
OUTSIDE = (
    "外地", "外省", "外市", "外县", "外区", "外埠", "市外", "区外", "县外", "省外", "域外", "异地", "非本地",
    "本地以外", "外来", "其他地区", "其他省份", "其他省市", "其他县区", "其他区县", "其他市县", "外省市",
)
NATIONAL = ("中华人民共和国境内", "中华人民共和国", "中国境内", "我国境内", "国内", "全国", "境内")
_PLACEHOLDER_TAILS = ("省", "市", "县", "区", "镇", "乡", "街道", "旗", "州", "地区", "开发区", "园区")
PLACEHOLDER = re.compile(r"(某某|某|[Xx×＊*]{1,3})(" + "|".join(_PLACEHOLDER_TAILS) + ")")

# One-character abbreviations of provinces and large cities (简称), as written in 在京注册, 在甬企业, 来沪投资.
ABBREVIATIONS = frozenset(
    "京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川蜀黔贵滇云藏陕秦甘陇青宁新港澳"
    "甬杭穗蓉榕邕筑厦汉锡温嘉湖绍衢舟台金丽萧"
)
_ABBR_CHAR = Regex("[" + "".join(sorted(ABBREVIATIONS)) + "]")
_ABBR_BEFORE = ("在", "来", "赴", "进", "入", "驻", "落户", "留")
_ABBR_AFTER_WORDS = ("注册", "登记", "纳税", "缴税", "设立", "落户", "落地", "投资", "经营", "企业", "公司", "机构", "分支", "办事",
                     "单位", "生产", "本地", "期间")
_ABBR_AFTER = re.compile("(" + "|".join(_ABBR_AFTER_WORDS) + ")")
# Where an abbreviation can be a place (the cue before, the character, a cue after: see _abbreviations). As a
# need it keeps the 59 common characters (新, 金, 青 …) from making almost every sentence a candidate.
_ABBR_CUE = Regex("(?:" + "|".join(_ABBR_BEFORE) + ")" + _ABBR_CHAR.pattern + "(?=" + "|".join(_ABBR_AFTER_WORDS) + ")")

# What may follow a short form for it to be a place.
_TAIL = re.compile(
    r"(省|市|县|区|旗|盟|州|地区|境内|境外|辖区|域内|范围|本地|当地|以外|之外|以内|内|外|籍|户籍|注册|登记|"
    r"纳税|缴税|设立|成立|建立|组建|开设|投资|经营|落户|落地|企业|公司|本土|生产|制造|地方|片区|全域|一带|周边|自治|规上|规模以上|限上|"
    r"工业|服务业|商贸|建筑业|产品|商品|服务|本地|籍)"
)
# Strong tails only, for short forms that are also ordinary words (公安 → 公安机关).
_STRONG_TAIL = re.compile(r"(省|市|县|区|旗|境内|辖区|范围内|行政区域|注册|纳税|以外|之外|内注册|内纳税|内设立)")
# A short form after one of these and before a boundary is a place: 落户鼓楼, 注册在鼓楼的.
_BEFORE = ("在", "于", "至", "到", "落户", "迁入", "迁至", "迁往", "入驻", "注册于", "落地", "属于", "来自")
_BOUNDARY = re.compile(r"$|[,;:。、)(\s的和及与或等]")
# Buying from a place: a short form after a purchase verb and before (a few words and) a firm or its goods.
_BUY = ("采用", "使用", "采购", "购买", "选用", "优先")
_GOODS_AFTER = re.compile(r"[\u4e00-\u9fff]{0,8}?(企业|厂家|厂商|产品|商品|品牌|生产)")
# …or before what one does in a place (须在鼓楼持续经营, 在鼓楼实际办公): the cue before has made it a place
_CUE_VERB = re.compile(r"(持续|连续|实际|依法|正常|长期|稳定)?(经营|注册|纳税|办公|生产|开展|从事|运营|设立|设有|建有|拥有|完成|取得|获得|承接|承建|实施|采购|购买|购置|租赁|租用|使用|销售|缴纳|参保|就业|工作|居住|发展|开户)")

_NAME = "[\u4e00-\u9fff]"
_MARKER_PREFIX = re.compile(r"^(第[一二三四五六七八九十百零〇两\d]+[条款项章节])")
# Towns and parks: a proper name of 2–8 characters before the suffix (乡镇/城镇 are kinds, not names).
_TOWN = re.compile(rf"({_NAME}{{2,6}}?)(?<![城乡村集小古])(镇|乡|街道|苏木)(?![政长村府级镇乡企])")
_PARK_SUFFIXES = ("经济技术开发区", "高新技术产业开发区", "开发区", "高新区", "经开区", "产业园区", "产业园", "工业园区",
                  "工业园", "科技园", "创业园", "物流园", "园区", "保税区", "综合保税区", "自贸区", "试验区", "示范区",
                  "集聚区", "功能区", "新区", "港区", "小镇", "合作区")
_PARK = re.compile(rf"({_NAME}{{2,8}}?)(" + "|".join(_PARK_SUFFIXES) + ")")
_PARK_TAIL = re.compile("|".join(_PARK_SUFFIXES))
_TOWN_TAIL = re.compile("镇|乡|街道|苏木")
# Where _TOWN can match: its suffix with two characters of a name before it (as a need, not 镇 or 乡 alone:
# 城乡 and 乡镇 stand in every other article). Written suffix first, so that the search skips to a suffix.
_TOWN_NEED = Regex(rf"(?:[镇乡](?<={_NAME}{{2}}[镇乡])(?<![城乡村集小古][镇乡])"
                   rf"|(?:街道|苏木)(?<={_NAME}{{2}}(?:街道|苏木))(?<![城乡村集小古](?:街道|苏木)))(?![政长村府级镇乡企])")
_GENERIC_NAME = re.compile(
    r"^(各|全|本|该|所在|相关|有关|其他|所属|属地|省级|市级|县级|国家级|省|市|县|区|城|乡|村|集|重点|特色|"
    r"小微|小微企业|产业|工业|农业|现代|经济|各类|各级|所有|以上|以下|等)+$"
)
# Where a left boundary of a town/park name stops (prepositions, verbs, determiners).
_LEFT_STOP = re.compile(r".*(在|于|至|到|由|向|对|从|为|将|和|与|及|或|等|的|入驻|进驻|落户|进入|申请|按照|按|位于|设在|注册|各|全|本|局|委|制定|印发|"
                        r"支持|推动|引导|鼓励|建设|打造|培育|完善|提升|依托|围绕)")


_Entry = tuple[str, str, str, bool]  # form, kind, level, strong (a place without a cue)


@functools.cache
def _automaton() -> tuple[ahocorasick_rs.AhoCorasick, tuple[_Entry, ...]]:
    entries: dict[str, _Entry] = {}  # a word listed twice keeps its last meaning
    n = names()
    for name, level in n.full.items():
        entries[name] = (name, "admin", level, name not in AMBIGUOUS_FULL)
    for short, level in n.short.items():
        entries[short] = (short, "admin", level, False)
    for words, kind in ((DEICTIC, "deictic"), (OUTSIDE, "outside"), (AFFILIATION, "affiliation"), (NATIONAL, "national")):
        for w in words:
            entries[w] = (w, kind, "", True)
    return ahocorasick_rs.AhoCorasick(list(entries)), tuple(entries.values())


# "区内/市内/县内" are the document's territory only where they stand alone (区内企业, 本区内), not
# inside another noun (开发区内, 建成区内, 园区内, 景区内, 市区内 …).
_COMPOUND_BEFORE = {
    "区内": "发园景城社小市校矿新护能验范聚港税贸片街山库营厂灾林牧业苑湖湾岸殖游政成",
    "市内": "城超都门集菜夜股楼车",
    "镇内": "城乡集村古小",
    "乡内": "城家故老下",
    "域内": "领流水海空场异境地",
    "县内": "郡",
    "省内": "节",
    "域外": "区领海水空",
}
# "本市/本区/本县…" inside 资本市场, 日本市场, 成本区间, 基本县情: the 本 belongs to the word before it
_BEN_WORDS = "日根基成资样版文剧课账原范副脚标读书蓝底老血工股"
for _d in ("本市", "本区", "本县", "本省", "本镇", "本乡", "本地", "本州", "本土", "本埠", "本地区"):
    _COMPOUND_BEFORE[_d] = _BEN_WORDS
# "本省行政区域外", "本市以外": the place marks the outside
_OUTSIDE_TAIL = re.compile(r"(行政区域|行政区|区域|范围|辖区)?(以外|之外|外(?![资商贸籍国]))")
# A place followed by a public body names the authority (本市司法行政部门, 属地管理部门), not where an
# operator is.
_AUTHORITY = re.compile(
    r"(的)?(人民政府|政府|(?:(?!注册|登记|纳税|设立|企业|公司|的|内|外)[^\s,;:。]){0,6}?(主管部门|管理部门|行政部门|部门|机关|管理机构|委员会|"
    r"管委会|局|厅|办公室|法院|检察院|人大|政协|党委))"
)


def _short_is_place(text: str, start: int, end: int, form: str) -> bool:
    tail = text[end : end + 4]
    if form in ambiguous_short() or form in AMBIGUOUS_FULL:
        return _STRONG_TAIL.match(tail) is not None
    if _TAIL.match(tail):
        return True
    before = text[max(0, start - 3) : start]
    if before.endswith(_BUY) and _GOODS_AFTER.match(text, end):
        return True  # 采用浠水装配式生产加工企业部品部件: whose goods are bought says where they are from
    return before.endswith(_BEFORE) and (_BOUNDARY.match(text, end) is not None or _CUE_VERB.match(text, end) is not None)


def _longest_leftmost(found: list[Span]) -> list[Span]:
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    out: list[Span] = []
    for s in found:
        if out and s.start < out[-1].end:
            continue
        out.append(s)
    return out


def _gazetteer_places(text: str) -> list[Span]:
    found: list[Span] = []
    automaton, entries = _automaton()
    for i, start, end in automaton.find_matches_as_indexes(text, overlapping=True):
        form, kind, _level, strong = entries[i]
        if not strong and not _short_is_place(text, start, end, form):
            continue
        if start > 0 and text[start - 1] in _COMPOUND_BEFORE.get(form, ""):
            continue
        found.append(Span(start, end, "PLACE", kind, form))
    return found


def _named_places(text: str) -> list[Span]:
    """Towns and parks by their suffix, with the proper name before it (a bare 高新区 is the document's own)."""
    found = []
    if any(h in text for h in _PLACEHOLDER_HEADS):  # each regex runs only where its suffix or mark is
        found = [Span(m.start(), m.end(), "PLACE", "placeholder", m.group(0)) for m in PLACEHOLDER.finditer(text)]
    for rx, kind, tail in ((_TOWN, "town", _TOWN_TAIL), (_PARK, "park", _PARK_TAIL)):
        if tail.search(text) is None:
            continue
        for m in rx.finditer(text):
            name = _MARKER_PREFIX.sub("", m.group(1))
            cut = _LEFT_STOP.match(name)
            if cut:
                name = name[cut.end() :]
            if len(name) < 2 or _GENERIC_NAME.match(name):
                if kind == "park":
                    found.append(Span(m.start(2), m.end(), "PLACE", "park", m.group(2)))
                continue
            start = m.end(1) - len(name)
            found.append(Span(start, m.end(), "PLACE", kind, text[start : m.end()]))
    return found


def _abbreviations(text: str) -> list[Span]:
    return [
        Span(i, i + 1, "PLACE", "admin", m.group(0))
        for m in _ABBR_CHAR.finditer(text)
        if text[max(0, (i := m.start()) - 2) : i].endswith(_ABBR_BEFORE) and _ABBR_AFTER.match(text, i + 1)
    ]


def find_places(text: str) -> list[Span]:
    gazetteer = _gazetteer_places(text)
    admin = [s for s in gazetteer if s.kind == "admin"]
    # a division whose name ends like a park or town (清新区, 浦东新区, 东乡族自治县) is the division, not
    # "…新区" / "…乡" with a longer name in front
    named = [s for s in _named_places(text)
             if s.kind not in ("park", "town") or not any(s.start < a.start < s.end <= a.end for a in admin)
             and s.end not in {a.end for a in admin}]
    found = gazetteer + named + _abbreviations(text)
    spans = _join_national(text, _longest_leftmost(found))
    return [_as_authority(text, s) for s in spans]


_IS_CJK = re.compile("[\u4e00-\u9fff]")


def _as_authority(text: str, s: Span) -> Span:
    if s.kind not in LOCAL_KINDS:
        return s
    tail = _OUTSIDE_TAIL.match(text, s.end)
    if tail:
        return Span(s.start, tail.end(), "PLACE", "outside", text[s.start : tail.end()])
    if _AUTHORITY.match(text, s.end) and not text.startswith(("内", "以外"), s.end):
        return Span(s.start, s.end, "PLACE", "authority", s.text)
    return s


def _join_national(text: str, spans: list[Span]) -> list[Span]:
    """"本市境内", "江苏省境内": 境内 after a local place is part of it, not the whole country."""
    out: list[Span] = []
    for s in spans:
        if (
            s.kind == "national"
            and s.text == "境内"
            and out
            and out[-1].end == s.start
            and out[-1].kind in LOCAL_KINDS
        ):
            prev = out.pop()
            out.append(Span(prev.start, s.end, "PLACE", prev.kind, prev.text + s.text))
            continue
        out.append(s)
    return out


def place_provider(view: SentenceView) -> list[Span]:
    return find_places(view.text)


# -- what a sentence must hold for a place of some kind to be found in it ------------------------------------
_PLACEHOLDER_HEADS = ("某", "X", "x", "×", "＊", "*")  # 某某市 holds 某市, XX县 holds X县


#: The words each kind of place is found from (admin and authority: see _kind_need).
_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "deictic": DEICTIC,
    "placeholder": tuple(h + t for h in _PLACEHOLDER_HEADS for t in _PLACEHOLDER_TAILS),
    "park": _PARK_SUFFIXES,
    "outside": (*OUTSIDE, "外"),  # an outsider's word, or a local place with 以外/之外/外 after it
    "national": NATIONAL,
    "affiliation": AFFILIATION,
}


@functools.cache
def _kind_need(kind: str) -> Need | None:
    if kind == "admin":  # a division's name or short form, or an abbreviation (在京注册)
        n = names()
        return of_terms({*n.full, *n.short}, (_ABBR_CUE,))
    if kind == "town":  # a name before the suffix
        return Need(regexes=(_TOWN_NEED,))
    if kind == "authority":  # a local place before a public body
        return union([_kind_need(k) for k in sorted(LOCAL_KINDS)])
    words = _KIND_WORDS.get(kind)
    return of_terms(words) if words is not None else None


KINDS = frozenset({"admin", "deictic", "placeholder", "town", "park", "outside", "national", "authority",
                   "affiliation"})


@functools.cache
def place_need(kinds: frozenset[str] | None, exclude: bool = False) -> Need | None:
    """What a sentence must hold to have a PLACE span of one of ``kinds`` (all but them with ``exclude``)."""
    wanted = KINDS if kinds is None else (KINDS - kinds if exclude else kinds & KINDS)
    return union([_kind_need(k) for k in sorted(wanted)]) if wanted else Need()
