"""Find a document's title among its first lines (红头 documents put the issuer and 文号 above it)."""

from __future__ import annotations

import re

_TITLE_END = re.compile(
    r"(通知|办法|意见|规定|决定|细则|方案|措施|条例|公告|通告|批复|函|规则|制度|计划|纲要|标准|指引|指南|要点|"
    r"政策|规划|规程|守则|章程|清单|目录|复函|报告|决议|命令|令|公报|解释|答复|说明|导则|协议|备忘录)"
    r"(\((试行|暂行|修订|修正|征求意见稿|草案|送审稿|\d{4}年[^)]*)\))?$"
)
_NOT_TITLE = re.compile(r"(文件|〔\d{4}〕|\[\d{4}\]|\d+号$|^各.*:$|:$|^签发|^索引号|^发布日期|^主题分类)")


def looks_like_title(line: str) -> bool:
    line = line.strip()
    if not (4 <= len(line) <= 80) or line.endswith(("。", ";", ",", ":")):
        return False
    if _NOT_TITLE.search(line):
        return False
    return bool(_TITLE_END.search(line.rstrip(" ")))


def find_title(lines: list[tuple[int, int, str]], limit: int = 12) -> tuple[int, int] | None:
    """Return the index range [i, j) of the title lines among the first ``limit`` lines, or None.

    A title may wrap over two or three lines: a short line without sentence punctuation followed by a line
    that ends like a title is joined with it.
    """
    head = lines[:limit]
    for i, (_, _, text) in enumerate(head):
        if looks_like_title(text):
            j = i
            while j > 0 and i - j < 2:
                prev = head[j - 1][2].strip()
                if (prev.startswith("关于") or looks_like_title(prev + text.strip())) and not _NOT_TITLE.search(
                    prev
                ) and not prev.endswith(("。", ";", ":")) and len(prev) <= 40:
                    j -= 1
                else:
                    break
            return j, i + 1
    return None
