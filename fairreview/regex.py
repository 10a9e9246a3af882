"""A regular expression compiled on its first use.

The rules hold some 2,600 expressions (a literal atom's alternation, a class's words, a ``regex``
constraint). A scan of one file reaches a few hundred of them: compiling all of them when the rules are read
from the cache cost more than the file's analysis. :class:`Regex` keeps the source and compiles it when a
sentence first asks; equal and hashed by (pattern, flags), as :class:`re.Pattern` is.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator


class Regex:
    __slots__ = ("pattern", "flags", "_compiled")

    def __init__(self, pattern: str, flags: int = 0, *, check: bool = False) -> None:
        """``check``: compile now, so that a wrong expression raises :class:`re.error` here (rules read from
        YAML are checked; rules read back from the sealed cache were checked when they were written)."""
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = re.compile(pattern, flags) if check else None

    @property
    def compiled(self) -> re.Pattern[str]:
        rx = self._compiled
        if rx is None:
            rx = self._compiled = re.compile(self.pattern, self.flags)
        return rx

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.fullmatch(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Regex):
            return NotImplemented
        return self.pattern == other.pattern and self.flags == other.flags

    def __hash__(self) -> int:
        return hash((self.pattern, self.flags))

    def __repr__(self) -> str:
        return f"Regex({self.pattern[:60]!r}{'…' if len(self.pattern) > 60 else ''})"

    # a frozen dataclass holding one is copied and pickled (a worker started by spawn gets the rules so)
    def __getstate__(self) -> tuple[str, int]:
        return self.pattern, self.flags

    def __setstate__(self, state: tuple[str, int]) -> None:
        self.pattern, self.flags = state
        self._compiled = None


NEVER = Regex("(?!)")
