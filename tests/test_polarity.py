"""Polarity: restated bans and quotations versus restrictions that merely contain a negation word."""

from __future__ import annotations

from fairreview.concepts.spans import SentenceView
from fairreview.match.lexicon import load
from fairreview.match.polarity import polarity
from fairreview.pipeline import Engine

BAN = load().classes["restated_ban"].regex


def _pol(sentence: str, word: str, last: bool = False) -> bool:
    head = sentence.rindex(word) if last else sentence.index(word)
    return polarity(SentenceView(sentence), head, BAN).negated


def test_no_points_is_not_a_ban() -> None:
    # scoring rules: "不得分" (scores nothing) must not negate what follows it
    s = "未提供证明的不得分,供应商在本市设有售后服务机构的得3分"
    assert not _pol(s, "本市")
    # "不得分包" is a real ban on subcontracting
    assert _pol("中标人不得分包本市的工程", "本市")
    # the ordinary restated ban still negates
    assert _pol("不得将在本地设立分支机构作为加分条件", "本地")


def test_quantity_limit_is_not_a_ban() -> None:
    # "不得低于" limits a number; the local-staff requirement after it is not negated
    assert not _pol("入驻企业营业收入不得低于一千万元,且本地户籍员工比例须达到六成", "本地户籍")


def test_pledged_ban_is_the_restriction() -> None:
    # "须承诺5年内不得迁出" is what an operator must pledge: the 不得 is the restriction itself
    assert not _pol("获得扶持的企业须承诺5年内不得将注册地迁出本区,否则退回扶持资金", "迁出")
    # a ban on demanding such a pledge is still a restated ban
    assert _pol("不得要求企业承诺不迁出本区", "迁出")


def test_ban_in_an_earlier_sentence_does_not_carry_over() -> None:
    s = "经营者不得擅自停止经营。确需停止经营的,应当报主管部门同意"
    assert not _pol(s, "停止经营", last=True)
    assert _pol(s, "停止经营")


def test_ban_governs_its_own_comma_clause_only() -> None:
    # an earlier 不得 does not negate a later 须 in another clause
    assert not _pol("不得擅自改变用途,申报企业须在本区注册", "本区")
    # a purpose clause is not a ban on what follows
    assert not _pol("为避免无序投放,甲方不再引进其他品牌", "不再")
    # an instrumental adjunct carries the ban over the comma
    assert _pol("不得以备案为由,要求企业在本地设立分支机构", "本地")
    assert _pol("行政机关不得滥用行政权力,限定他人购买其指定的经营者的商品", "其指定")


def test_ban_between_the_matched_words_negates_them() -> None:
    s = "准入条件不得与经济贡献挂钩"
    view = SentenceView(s)
    parts = ((0, 4, "准入条件"), (s.index("经济贡献"), s.index("经济贡献") + 4, "经济贡献"))
    assert polarity(view, 0, BAN, parts).negated
    assert not polarity(view, 0, BAN).negated


def test_penalised_act_is_a_restated_ban() -> None:
    assert _pol("违反本办法规定,向企业摊派的,由主管部门责令改正", "摊派")
    assert not _pol("企业迁出的,收回已兑现的奖励资金", "迁出")


def test_list_item_inherits_a_ban_from_its_lead_in() -> None:
    from fairreview.match.polarity import lead_in_polarity

    assert lead_in_polarity("经营者不得实施下列行为:").negated
    penalty = "违反本条例规定,有下列行为之一的,由市场监督管理部门责令改正,处一万元以上罚款:"
    assert lead_in_polarity(penalty).negated
    # a list of conditions for support or for an administrative act is not a ban
    assert not lead_in_polarity("申请扶持资金的企业应当符合下列条件:").negated
    assert not lead_in_polarity("有下列情形之一的,收回已拨付的扶持资金:").negated


def test_list_item_under_a_ban_is_not_flagged(engine: Engine) -> None:
    from fairreview.model import DocumentResult

    text = "第十条 行政机关不得实施下列行为：\n（一）各单位办公用品须到指定的供应商处购买；\n"
    doc = engine.analyse_text(text, DocumentResult(path="<lead-in>")).result
    assert not [f for f in doc.findings if f.rule == "ME301" and f.flags()]
    text = "第十条 各单位应当做好下列工作：\n（一）各单位办公用品须到指定的供应商处购买；\n"
    doc = engine.analyse_text(text, DocumentResult(path="<lead-in>")).result
    assert [f for f in doc.findings if f.rule == "ME301" and f.flags()]


def test_no_points_needs_a_closing_fen() -> None:
    # "不得分支机构" is not "scores no points": the ban still negates the branch requirement after it
    assert _pol("不得分支机构设在本市的供应商加分", "本市")


def test_a_ban_carries_over_semicolons_to_the_acts_it_lists() -> None:
    """"不得滥用行政权力，A；B；C。": B and C are further acts under the same ban (they open with the act
    and have no subject of their own); a sentence after "；" that opens otherwise is a measure of its own."""
    from fairreview.match.polarity import chained_ban

    first = "行政机关不得滥用行政权力,设定歧视性的资质要求;"
    second = "指定交易相对人购买其推荐的经营者提供的服务;"
    assert chained_ban([first], second, BAN).negated
    assert chained_ban([first, second], "限制外地经营者参加本地的招标投标活动。", BAN).negated
    # a sentence that opens with its own subject or measure is not part of the list
    assert not chained_ban([first], "对在本区纳税的企业给予奖励。", BAN).negated
    # the chain needs the "；": after a full stop the ban has ended
    assert not chained_ban(["行政机关不得滥用行政权力,设定歧视性的资质要求。"], second, BAN).negated
    # a ban that a turn cancels before the end does not reach the next sentence
    assert not chained_ban(["不得设置市场准入障碍,但对外地企业另有规定;"], second, BAN).negated
    # a link without a ban breaks the chain
    assert not chained_ban([first, "鼓励企业开展合作;"], second, BAN).negated


def test_semicolon_chained_acts_are_not_findings_but_a_new_measure_is() -> None:
    engine = Engine()
    banned = ("第八条 各级人民政府及其有关部门不得滥用行政权力,排除、限制竞争;"
              "限定单位或者个人只能购买其指定的经营者提供的商品;限制外地经营者在本地设立分支机构。")
    assert not engine.scan_bytes(banned.encode(), "ban.txt").findings
    measure = ("第八条 各级人民政府及其有关部门不得拖欠中小企业账款;"
               "对在本县注册并纳税的企业,按其缴纳税收地方留成部分的50%给予奖励。")
    found = {f.rule for f in engine.scan_bytes(measure.encode(), "measure.txt").findings}
    assert found, "a reward tied to local tax after a semicolon is still a finding"


def test_items_read_the_lead_in_paragraph_before_them() -> None:
    """A list whose 总起句 is a paragraph of its own (not the items' parent clause): the items are conditions
    under "应当具备下列条件：" and restated bans under "不得实施下列行为：", also past earlier items and
    their sub-items."""
    engine = Engine()
    conditions = ("三、入驻\n申请入驻的企业应当具备下列条件：\n（一）主营业务符合园区产业定位；\n"
                  "1.年营业收入500万元以上；\n2.拥有自主知识产权；\n（二）在武夷山市工商注册且税务关系在武夷山市。\n")
    found = {f.rule for f in engine.scan_bytes(conditions.encode(), "c.txt").findings}
    assert "ME401" in found
    banned = ("三、规范\n各部门不得实施下列行为：\n（一）擅自设置市场准入条件；\n"
              "（二）要求经营者在武夷山市工商注册且税务关系在武夷山市。\n")
    assert not engine.scan_bytes(banned.encode(), "b.txt").findings
    # a paragraph that does not end in "：" leads nothing in
    plain = ("三、入驻\n企业可自愿入驻。\n（一）主营业务符合园区产业定位；\n（二）在武夷山市工商注册且税务关系在武夷山市。\n")
    assert "ME401" not in {f.rule for f in engine.scan_bytes(plain.encode(), "p.txt").findings}
