"""The legal provisions every finding cites, shipped as package data (see fairreview/data/SOURCES.md)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import precomputed

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Provision:
    id: str
    law: str
    article: str
    item: str | None
    text: str | None
    chapeau: str | None
    elaborates: tuple[str, ...]
    source: str | None

    @property
    def citation(self) -> str:
        """《公平竞争审查条例》第八条第（三）项"""
        return f"《{self.law}》{self.article}{('第' + self.item + '项') if self.item else ''}"

    @property
    def short_citation(self) -> str:
        """《条例》第十条第（二）项: the names a reviewer uses (see :data:`SHORT_LAW`)."""
        return f"《{short_law(self.law)}》{self.article}{('第' + self.item + '项') if self.item else ''}"

    @property
    def quote(self) -> str:
        """The legal text a reviewer reads: lead-in sentence plus the item."""
        body = self.text or ""
        return f"{self.chapeau}{body}" if self.chapeau else body


#: the short names the 实施办法 itself and review practice use; other laws lose "中华人民共和国"
SHORT_LAW = {"公平竞争审查条例": "条例", "公平竞争审查条例实施办法": "实施办法"}


def short_law(law: str) -> str:
    return SHORT_LAW.get(law, law.removeprefix("中华人民共和国"))


def headline_provisions(ids: list[str] | tuple[str, ...]) -> list[str]:
    """The provisions a short reason names: every 条例 item and the most specific other one (the rule's
    first), out of all a finding lists (JSON and the detail view keep them all)."""
    fcr = [p for p in ids if p.startswith("FCR-")]
    other = [p for p in ids if not p.startswith("FCR-")]
    return fcr + other[:1]


def cite(ids: list[str] | tuple[str, ...], short: bool = True) -> list[str]:
    """Provision ids as a reader names them (《条例》第十条第（二）项); an unknown id stays as it is."""
    table = provisions()
    out = []
    for i in ids:
        p = table.get(i)
        out.append(i if p is None else p.short_citation if short else p.citation)
    return out


def cite_together(ids: list[str] | tuple[str, ...], short: bool = True) -> str:
    """Several provisions in one phrase, each law named once and in the order of provisions.yaml:
    《条例》第八条第（三）项、第（四）项、《实施办法》第十二条第（二）项."""
    table = provisions()
    order = {k: n for n, k in enumerate(table)}
    known = sorted((i for i in dict.fromkeys(ids) if i in table), key=order.__getitem__)
    parts: list[str] = []
    law = article = None
    for i in known:
        p = table[i]
        item = f"第{p.item}项" if p.item else ""
        if p.law != law:
            parts.append(f"《{short_law(p.law) if short else p.law}》{p.article}{item}")
        elif p.article != article or not item:
            parts.append(f"{p.article}{item}")
        else:
            parts.append(item)
        law, article = p.law, p.article
    parts += [i for i in dict.fromkeys(ids) if i not in table]
    return "、".join(parts)


def load_yaml(path: Path) -> Any:
    from . import yamldata  # here: the shipped tables spare most scans the YAML parser

    return yamldata.load_yaml(path.read_text(encoding="utf-8"))


PROVISIONS_TABLE = "provisions"


@functools.lru_cache(maxsize=1)
def provisions() -> dict[str, Provision]:
    """The provisions by id, read from the shipped table of what they keep of provisions.yaml
    (fairreview/precomputed.py): parsing the 400 KB of YAML was 35 ms of every scan that reports a finding."""
    shipped = precomputed.load(PROVISIONS_TABLE)
    rows = shipped if isinstance(shipped, list) else provision_rows()
    return {row["id"]: Provision(row["id"], row["law"], row["article"], row["item"], row["text"], row["chapeau"],
                                 tuple(row["elaborates"]), row["source"]) for row in rows}


def provision_rows() -> list[dict[str, Any]]:
    """What :class:`Provision` keeps of each row of provisions.yaml, as JSON data."""
    out = []
    for row in load_yaml(DATA / "provisions.yaml"):
        elab = row.get("elaborates") or []
        out.append({"id": row["id"], "law": row.get("law", ""), "article": row.get("article", ""),
                    "item": row.get("item"), "text": row.get("text"), "chapeau": row.get("chapeau"),
                    "elaborates": [elab] if isinstance(elab, str) else list(elab), "source": row.get("source")})
    return out


SUPERSEDED_TABLE = "superseded"


@functools.lru_cache(maxsize=1)
def superseded() -> list[dict[str, Any]]:
    """The rows of superseded.yaml as :func:`superseded_rows` gives them, read from the shipped table
    (fairreview/precomputed.py): parsing the YAML is 5 ms of a small scan's first document."""
    shipped = precomputed.load(SUPERSEDED_TABLE)
    return shipped if isinstance(shipped, list) else superseded_rows()


def superseded_rows() -> list[dict[str, Any]]:
    """superseded.yaml as JSON data: its dates (2021-01-01) as text, as the catalogue reads them."""
    return list(json.loads(json.dumps(load_yaml(DATA / "superseded.yaml"), ensure_ascii=False, default=str)))
