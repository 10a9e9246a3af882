"""Settings of a scan. Together with the file bytes and the lexicons they fully determine a result."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

DEFAULT_MAX_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    lexicon_dirs: tuple[str, ...] = ()
    segmenter: str = "auto"  # auto | pkuseg | char
    pkuseg_model: str | None = None
    as_of: str = field(default_factory=lambda: dt.date.today().isoformat())
    max_bytes: int = DEFAULT_MAX_BYTES

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
