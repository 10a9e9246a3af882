"""The legal provisions every finding cites, shipped as package data (see fairreview/data/SOURCES.md)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import yamldata

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
    def quote(self) -> str:
        """The legal text a reviewer reads: lead-in sentence plus the item."""
        body = self.text or ""
        return f"{self.chapeau}{body}" if self.chapeau else body


def load_yaml(path: Path) -> Any:
    return yamldata.load_yaml(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def provisions() -> dict[str, Provision]:
    out: dict[str, Provision] = {}
    for row in load_yaml(DATA / "provisions.yaml"):
        elab = row.get("elaborates") or []
        if isinstance(elab, str):
            elab = [elab]
        item = row.get("item")
        out[row["id"]] = Provision(
            id=row["id"],
            law=row.get("law", ""),
            article=row.get("article", ""),
            item=item,
            text=row.get("text"),
            chapeau=row.get("chapeau"),
            elaborates=tuple(elab),
            source=row.get("source"),
        )
    return out


@functools.lru_cache(maxsize=1)
def superseded() -> list[dict[str, Any]]:
    return list(load_yaml(DATA / "superseded.yaml"))
