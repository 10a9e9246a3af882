"""ORG and GOV spans: named organisations, and public bodies.

``ORG`` is a *named* organisation — a name before an organisation suffix (县第一服装公司, 中国建设银行,
市第一人民医院, 某环境公司, 甲公司, 区城投集团) — never a bare kind (保险公司, 各银行, 相关企业): naming a kind
of operator is not designating one. Kinds:

- ``named``: a proper name (学子公司, 建行生活平台 are names; 科技公司 is not);
- ``placeholder``: anonymised in the published text (某公司, 某某集团, XX公司, 甲公司);
- ``local_state``: a local public firm (区属公司, 县城投公司, 市国投集团, 国有平台公司) — designating one is
  reserving business for it (实施办法第十一条第（二）项).

``GOV`` is a public body (人民政府, …局, …委员会, 管委会, 街道办事处): when a clause gives a task to a GOV it
organises its own work; it does not designate an operator.

A pattern-based ORG finds the anonymised names (某某环境公司) that a statistical NER misses; it needs no
model and runs only on sentences that a rule made candidates.
"""

from __future__ import annotations

import re

from .needs import Need, of_terms, required_literals
from .places import DEICTIC
from .spans import SentenceView, Span

_CJK = "\u4e00-\u9fff"
ORG_SUFFIXES = (
    "股份有限公司", "有限责任公司", "有限公司", "分公司", "子公司", "总公司", "公司", "集团", "银行", "支行", "分行",
    "信用社", "农商行", "医院", "卫生院", "门诊部", "研究院", "设计院", "规划院", "勘察院", "研究所", "设计所",
    "事务所", "供销社", "合作社", "酒店", "宾馆", "饭店", "客栈", "加油站", "超市", "商场", "药店", "药房",
    "出版社", "报社", "电视台", "书店", "驾校", "厂",
)
_SUFFIX_RE = re.compile("|".join(sorted(ORG_SUFFIXES, key=len, reverse=True)))
# Words that end an organisation name on its left: prepositions, designation verbs, determiners.
_LEFT_STOPS = (
    "由", "向", "到", "与", "和", "及", "或", "在", "从", "为", "将", "把", "对", "给", "让", "是", "经", "被", "同",
    "跟", "的", "等", "使用", "选用", "采用", "委托", "指定", "确定", "选定", "交由", "交给", "通过", "要求",
    "组织", "督促", "推荐", "统一", "一律", "均", "全部", "依托", "授权", "承办", "采购", "购买", "办理", "签订",
    "签署", "引导", "推动", "支持", "鼓励", "作为", "其中", "即", "如", "对接", "联合", "牵头", "会同", "配合",
    "入驻", "落户", "进入", "安排", "明确", "选择", "可以", "发包", "协调", "召集", "约谈", "开设", "开立", "开办", "载明", "写明", "注明", "提供", "接受", "享受", "获得", "所属", "下属", "旗下", "或者", "以及", "及其", "或是",
    "聘任", "聘请", "聘用", "组建", "牵头组建", "创办", "举办", "兴办", "设立", "成立", "授予", "赋予", "给予", "交付",
    "不得", "禁止", "严禁", "不准", "不再", "不允许", "不能", "杜绝", "不予",
    "以", "存入", "汇入", "转入", "打入", "缴入",  # 保证金应以银行转账, 资金存入银行: the bank is a kind, not 保证金应以银行
)
# single-character stops that are also the first character of common words (经营, 为民, 对外 …)
_NOT_A_STOP = ("经营", "经济", "经销", "经纪", "经理", "经贸", "经开", "为民", "对外", "对口", "和平", "在线", "由于", "从事", "向阳",
               "同仁", "等级", "的士", "将军", "是否", "与会", "及时", "或许", "给水", "让利", "以太", "以色列")
_LEFT_STOP_RE = re.compile("|".join(sorted(map(re.escape, _LEFT_STOPS), key=len, reverse=True)))
# Generic words: a "name" made only of these is a kind (保险公司, 国有企业, 相关银行), not a name.
_GENERIC = (
    "各", "相关", "有关", "其他", "该", "本", "此类", "这类", "所有", "全部", "多家", "一家", "两家", "若干", "具体",
    "一般", "专业", "第三方", "中介", "国有", "民营", "私营", "外资", "合资", "中小", "大型", "中型", "小型", "龙头",
    "骨干", "上市", "规上", "优质", "重点", "知名", "品牌", "定点", "指定", "合作", "承办", "运营", "服务", "管理",
    "保险", "商业", "政策性", "股份制", "地方", "外地", "本地", "金融", "银行", "投资", "担保", "融资担保", "小额贷款",
    "典当", "租赁", "融资租赁", "财产", "人寿", "财产保险", "人身保险", "寿险", "财险", "物业", "物业服务", "房地产", "房地产开发", "开发", "建筑", "施工", "建设", "工程",
    "设计", "监理", "勘察", "咨询", "评估", "检测", "认证", "代理", "招标代理", "造价咨询", "会计师", "律师",
    "科技", "网络", "信息", "技术", "电子", "通信", "物流", "快递", "运输", "客运", "货运", "出租车", "公交",
    "燃气", "天然气", "供水", "自来水", "供电", "电力", "电网", "热力", "供热", "环保", "环境", "医药", "医疗",
    "人民", "公立", "民营", "私立", "综合", "专科", "二级", "三级", "甲等", "乙等", "基层", "社区", "乡镇", "村级",
    "农业", "工业", "贸易", "商贸", "文化", "旅游", "教育", "培训", "体育", "餐饮", "住宿", "酒店", "星级",
    "生产", "经营", "销售", "制造", "加工", "供应", "子", "分", "总", "下属", "所属", "控股", "参股", "新设", "新",
    "现有", "原", "大", "小", "中", "数字", "电商", "互联网", "平台", "交易", "支付", "数据", "公共",
    "中标", "成交", "中选", "入围", "入库", "备选", "签约", "受托", "受委托", "承接", "实施", "责任", "义务", "项目",
    "会计", "审计", "资产评估", "律师事务", "税务师", "鉴定", "公证", "拍卖", "经纪", "担保公司", "贷款", "承办", "合作社",
    "农民专业", "专业", "种植", "养殖", "农民", "信托", "慈善", "者", "借款", "申请人", "借款人", "购房人", "售房人", "买受人", "收款人",
    "本人", "个人", "名下", "收款", "付款", "代发", "发放", "有效", "预留", "其", "原", "商业贷款", "受委托", "托管", "监管", "专用", "结算", "存入", "开户", "内地",
    "境内", "境外", "中资", "外资", "星级", "四星", "五星", "三星", "二星", "快捷", "经济型", "商务", "主题", "度假", "连锁", "精品",
    "高端", "同等", "同档次", "以上", "四钻", "五钻", "涉外", "旅游", "定点", "其他",
)
_GENERIC_RE = re.compile(
    "^(?:" + "|".join(sorted(map(re.escape, _GENERIC), key=len, reverse=True)) + r"|[\d一二三四五六七八九十几数]+家?|[级以上下及的、和与]+)+$"
)
_PLACEHOLDER = re.compile(r"某|[Xx×＊*]{2}|^[甲乙丙丁]$")
_LOCAL_STATE = re.compile(
    r"城投|交投|国投|国资|文旅投|城建投|区属|市属|县属|镇属|国有平台|平台$|融资平台|区管|市管|交通投资|城市投资|"
    r"城市建设投资|国有资本|国有资产|产业投资|发展投资|建设投资"
)
# A description of a kind (全县定点医院, 各合作银行) rather than a name.
_DESCRIPTION = re.compile(r"^(全|各|所有|相关|有关|其他|一般|部分|多数|国有|民营|私营)|定点|指定|合作|承办|中介$|平台$")
_MAX_NAME = 16
_LEVELS = frozenset("省市县区镇乡")
_DEICTIC_PREFIX = re.compile(
    "^(?:" + "|".join(sorted(map(re.escape, DEICTIC), key=len, reverse=True))
    + r"|[\u4e00-\u9fff]{1,8}?[省市县区](?:内|境内|辖区内|范围内))+"  # 河南省内财产保险公司: a kind within an area
)
_ARTICLE_NO = re.compile(r"第[一二三四五六七八九十百零〇\d]+[条款项章节]")
# Suffixes that are also kinds of shop or body (超市, 合作社): named only with a place, a placeholder or quotes.
_COMPOUND_SUFFIXES = frozenset({"分公司", "子公司", "总公司", "分行", "支行"})
_WEAK_SUFFIXES = frozenset({"合作社", "供销社", "超市", "商场", "药店", "药房", "书店", "驾校", "加油站", "厂"})  # 厂: 水泥厂 is a kind, 县华美服装厂 a name
_NAME_SIGNAL = re.compile(r"[某“”'\"A-Za-z]|[省市县区镇乡]|第[一二三四五六七八九十\d]")

GOV_RE = re.compile(
    rf"(?:(?:[市区县省州旗镇乡]|国家|国务院|街道|自治区)[{_CJK}]{{0,12}}?(?:人民政府|政府|管理委员会|管委会|委员会|"
    rf"主管部门|部门|机关|办公室|办事处|局|厅|委|办|署|中心)|人民政府|管理委员会|管委会|街道办事处|主管部门)"
    rf"(?![{_CJK}]{{0,1}}(?:公司|集团|银行|医院))"
)


def _name_before(text: str, end: int) -> tuple[int, str]:
    """Start and text of the name that ends at ``end`` (bounded by punctuation and left stops)."""
    lo = end
    while lo > 0 and end - lo < _MAX_NAME:
        ch = text[lo - 1]
        if not (ch.isalnum() or ch == "·"):  # 材料-邮政储蓄银行: a dash separates, it does not join
            break
        lo -= 1
    name = text[lo:end]
    # the name starts after the last stop word (由某某环境公司 → 某某环境公司); keep 某/甲 placeholders
    last = None
    for m in _LEFT_STOP_RE.finditer(name):
        if len(m.group(0)) == 1 and name.startswith(_NOT_A_STOP, m.start()):
            continue
        last = m
    if last is not None:
        lo += last.end()
        name = text[lo:end]
    # a public body before the name is not part of it (区商务局协调辖区内加油站 → 辖区内加油站, then a kind)
    bodies = [m for m in GOV_RE.finditer(name) if m.end() < len(name)]
    if bodies:
        lo += bodies[-1].end()
        name = text[lo:end]
    # a structure number run into the name by normalisation (第十九条 农民专业合作社 → 第十九条农民专业合作社)
    numbered = _ARTICLE_NO.match(name)
    if numbered:
        lo += numbered.end()
        name = text[lo:end]
    # an unbalanced ")" means the suffix is inside brackets: 城投集团(净水公司) — keep it as it is
    return lo, name


def _is_kind(core: str) -> bool:
    """A description of a kind of firm (保险公司, 相关银行, 本市酒店, 申请人银行 → 人), not a name."""
    if len(core) == 1:
        return core not in _LEVELS  # 县供销社, 市医院: this level's own body; 人银行: the tail of a word
    if _GENERIC_RE.match(core) or _DESCRIPTION.search(core):
        return True
    if core.endswith("人") and not core.endswith("人民"):
        return True  # 补贴申请人银行账户: a person's bank, not a bank's name
    if core.endswith(("卡", "账户", "账号")):
        return True  # 市民卡银行账户: the card's bank account
    rest = _DEICTIC_PREFIX.sub("", core)
    return rest != core and (not rest or _GENERIC_RE.match(rest) is not None)


def _classify(name: str) -> str | None:
    core = name.strip("()·-—")
    if not core:
        return None
    if _PLACEHOLDER.search(core):
        return "placeholder"
    if _LOCAL_STATE.search(core):
        return "local_state"
    return None if _is_kind(core) else "named"


def find_orgs(text: str) -> list[Span]:
    out: list[Span] = []
    for m in _SUFFIX_RE.finditer(text):
        start, name = _name_before(text, m.start())
        if len(name) == 1 and m.group(0) in _COMPOUND_SUFFIXES:  # 学子公司 is 学子 + 公司, not 学 + 子公司
            name = text[start : m.start() + 1]
        kind = _classify(name)
        if kind is None:
            continue
        if kind == "named" and m.group(0) in _WEAK_SUFFIXES and not _NAME_SIGNAL.search(_DEICTIC_PREFIX.sub("", name)):
            # 本市水泥厂 is a kind within an area; the area word is no sign of a name
            continue
        if out and start < out[-1].end:  # 某集团有限公司: one organisation
            prev = out.pop()
            start = prev.start
            kind = prev.kind if prev.kind != "named" else kind
        out.append(Span(start, m.end(), "ORG", kind, text[start : m.end()]))
    return out


def find_gov(text: str) -> list[Span]:
    out: list[Span] = []
    for m in GOV_RE.finditer(text):
        out.append(Span(m.start(), m.end(), "GOV", "body", m.group(0)))
    return out


def org_provider(view: SentenceView) -> list[Span]:
    return find_orgs(view.text)


def gov_provider(view: SentenceView) -> list[Span]:
    return find_gov(view.text)


# -- what a sentence must hold for an ORG or GOV span to be found in it --------------------------------------
_GOV_SUFFIXES = ("人民政府", "政府", "管理委员会", "管委会", "委员会", "主管部门", "部门", "机关", "办公室", "办事处", "局", "厅",
                 "委", "办", "署", "中心")


def org_needs(kinds: frozenset[str] | None, exclude: bool = False) -> tuple[Need, ...]:
    """An ORG span ends in one of its suffixes; a placeholder or local public firm also holds its mark."""
    out = [of_terms(ORG_SUFFIXES)]
    if kinds and not exclude and len(kinds) == 1:
        mark = {"placeholder": _PLACEHOLDER, "local_state": _LOCAL_STATE}.get(next(iter(kinds)))
        lits = required_literals(mark.pattern) if mark is not None else None
        if lits:
            out.append(of_terms(lits))
    return tuple(out)


def gov_needs(kinds: frozenset[str] | None, exclude: bool = False) -> tuple[Need, ...]:
    return (of_terms(_GOV_SUFFIXES),)
