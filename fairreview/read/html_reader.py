"""HTML pages from government sites: the article body, not the navigation around it."""

from __future__ import annotations

import re
from typing import Any

from .base import Extracted, ReadError
from .safety import library_reason
from .text import decode

_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "select")
_NOISE = re.compile(
    r"nav|menu|header|footer|breadcrumb|crumb|share|sidebar|toolbar|banner|copyright|search|login|"
    r"position|location|daohang|dh|top|bottom|foot|links?$|friend|related|print|fenxiang",
    re.I,
)
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
           "td"}
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.I)
_TAIL = 65536
# characters no HTML page holds as text (lxml refuses them in a tree it is asked to change)
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _truncated(text: str) -> bool:
    """A page that opens ``<html>`` but never closes it, or ends inside a tag, was cut short (browsers, Word
    and the CMSs of government sites always write ``</html>``)."""
    tail = text[-_TAIL:].rstrip()
    if tail.rfind("<") > tail.rfind(">"):
        return True
    return bool(re.search(r"<html[\s>]", text[:4096], re.I)) and not re.search(r"</html\s*>", tail, re.I)


def _decode_html(data: bytes) -> tuple[str, str]:
    m = _CHARSET.search(data[:4096])
    if m:
        enc = m.group(1).decode("ascii").lower()
        enc = {"gb2312": "gb18030", "gbk": "gb18030"}.get(enc, enc)
        try:
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data)


def _text_lines(el: object) -> list[str]:
    """Block-aware text: each block element starts a new line."""
    parts: list[str] = []

    def walk(node: object) -> None:
        tag = getattr(node, "tag", None)
        if not isinstance(tag, str):
            return
        if tag in _BLOCKS:
            parts.append("\n")
        if node.text:  # type: ignore[attr-defined]
            parts.append(node.text)  # type: ignore[attr-defined]
        for child in node:  # type: ignore[attr-defined]
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in _BLOCKS:
            parts.append("\n")

    walk(el)
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(parts).split("\n")]
    return [line for line in lines if line]


def _score(el: object) -> float:
    text = "".join(el.itertext())  # type: ignore[attr-defined]
    link = sum(len("".join(a.itertext())) for a in el.iter("a"))  # type: ignore[attr-defined,misc]
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    return cjk - 2 * link


def read_html(data: bytes, name: str) -> Extracted:
    root, encoding = _parse(data)
    title = _meta_title(root)
    page_title = (root.findtext(".//title") or "").strip() or None
    _drop_chrome(root)
    body = root.find("body")
    if body is None:
        body = root
    lines = _text_lines(_content_block(body))
    if title and lines and title not in lines[0] and not any(title == ln for ln in lines[:5]):
        lines.insert(0, title)
    out = "\n".join(lines)
    if not out.strip():
        raise ReadError("HTML 页面中没有正文文字")
    return Extracted(text=out, format="html", encoding=encoding, hints={"title": title or page_title})


def _parse(data: bytes) -> tuple[Any, str]:
    """The page's element tree and encoding; a page that is empty, cut short or binary is refused first."""
    from lxml import html as lxml_html

    text, encoding = _decode_html(data)
    if not text.strip():
        raise ReadError("HTML 文件为空")
    if _truncated(text):
        raise ReadError("HTML 文件不完整（结尾缺失，可能未完整保存或下载），部分内容可能已丢失")
    controls = len(_CONTROL.findall(text))
    if controls > max(5, len(text) // 50):  # the plausibility gate's 2 %, here where lxml would choke first
        raise ReadError(f"内容不是文本（HTML 中有 {controls} 个控制字符），可能是二进制文件或已损坏")
    text = _CONTROL.sub(" ", text) if controls else text
    try:
        return lxml_html.document_fromstring(text), encoding
    except Exception as exc:  # lxml raises ParserError/ValueError on junk
        raise ReadError(f"HTML 无法解析：{library_reason(exc)}") from exc


def _meta_title(root: Any) -> str | None:
    """The article's title from a ``<meta>`` tag, where the page has one."""
    for meta_name in ("ArticleTitle", "title", "Title"):
        found = root.xpath(f'//meta[@name="{meta_name}"]/@content')
        if found and str(found[0]).strip():
            return str(found[0]).strip()
    return None


def _drop_chrome(root: Any) -> None:
    """Remove scripts, forms and the like, and the navigation, menus and footers around the article (by their
    id or class) unless they hold much body text themselves."""
    for tag in _DROP_TAGS:
        for el in root.iter(tag):
            el.drop_tree()
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        marker = f"{el.get('id', '')} {el.get('class', '')}".strip()
        if marker and _NOISE.search(marker) and _score(el) < 200:
            el.drop_tree()


def _content_block(body: Any) -> Any:
    """The element with the most Chinese body text that is not mostly links, preferring the smallest element
    that still holds ≥ 80 % of the best score."""
    candidates = [(el, _score(el)) for el in body.iter() if isinstance(el.tag, str) and el.tag in
                  ("div", "td", "article", "section", "body", "main")]
    best_el, best = max(candidates, key=lambda c: c[1], default=(body, 0.0))
    for el, s in candidates:
        if s >= 0.8 * best and len("".join(el.itertext())) < len("".join(best_el.itertext())):
            best_el, best = el, s
    return best_el
