"""条例 Art. 12: a restrictive measure may stand when it states a listed ground and a time limit.

The scanner cannot judge necessity; it recognises the documented form (ground + 实施期限/终止条件) and turns
the finding into ``info`` so a reviewer still sees it, with the reason.
"""

from __future__ import annotations

import re

_GROUNDS = re.compile(
    r"维护国家安全|国家安全和发展利益|国家安全|促进科学技术进步|科学技术进步|增强国家自主创新能力|自主创新|"
    r"节约能源|保护环境|生态环境保护|救灾救助|抢险救灾|应急保障|突发事件应对|维护社会公共利益|社会公共利益|"
    r"法律、行政法规另有规定|经国务院批准"
)
_TIME_LIMIT = re.compile(
    r"实施期限(至|为)?[^。;,]{0,16}(年|月|日|止)|实施期限|有效期(至|为|限)?[^。;]{0,20}(年|日|止)|期限为[^。;]{0,10}(年|月|日)|"
    r"至\d{4}年\d{1,2}月\d{1,2}日(止|终止|废止|失效)|(达到|完成|结束)[^。;]{0,20}后(停止|终止|不再)"
)


def art12_exception(scope_text: str) -> str | None:
    """The reason text when ``scope_text`` states an Art. 12 ground and a time limit, else None."""
    ground = _GROUNDS.search(scope_text)
    if not ground:
        return None
    limit = _TIME_LIMIT.search(scope_text)
    if not limit:
        return None
    return f"条例第十二条例外：载明理由“{ground.group(0)}”并设定期限“{limit.group(0)}”，需复核是否确属必要"
