"""Colour for terminal output: on a terminal only, never with ``NO_COLOR`` (https://no-color.org) or
``TERM=dumb``; and how wide the terminal is.

Colour is added after the text is laid out: a :class:`Style` wraps whole cells or lines, and the widths of
report/text_width.py do not count the sequences, so coloured and plain output have the same layout.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from typing import TextIO

import click

#: The width assumed when the output is not a terminal (a pipe, a file): the wide table.
UNBOUNDED = 140
SEVERITY_COLOUR = {"error": "red", "warning": "yellow", "info": "cyan"}
VERDICT_COLOUR = {"retain": "green", "amend": "yellow", "repeal": "red", "expired": "magenta", "error": "red"}


def colour_wanted(stream: TextIO, choice: bool | None = None) -> bool:
    """``--color``/``--no-color`` when given, else: a terminal, without ``NO_COLOR`` and not ``TERM=dumb``."""
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_width(stream: TextIO | None = None) -> int:
    """``COLUMNS`` when set, else the terminal's width, else :data:`UNBOUNDED` (the output is not a terminal)."""
    given = os.environ.get("COLUMNS", "")
    if given.isdigit() and int(given) > 0:
        return int(given)
    try:
        if stream is not None and stream.isatty():
            return shutil.get_terminal_size((UNBOUNDED, 24)).columns
    except (AttributeError, ValueError):
        pass
    return UNBOUNDED


@dataclass(frozen=True)
class Style:
    enabled: bool = False

    def _apply(self, text: str, **kw: object) -> str:
        if not self.enabled or not text:
            return text
        # line by line: a multi-line cell never carries colour across a table border
        return "\n".join(click.style(line, **kw) if line else line for line in text.split("\n"))  # type: ignore[arg-type]

    def severity(self, text: str, severity: str) -> str:
        return self._apply(text, fg=SEVERITY_COLOUR.get(severity), bold=severity == "error")

    def verdict(self, text: str, verdict: str) -> str:
        return self._apply(text, fg=VERDICT_COLOUR.get(verdict), bold=True)

    def bold(self, text: str) -> str:
        return self._apply(text, bold=True)

    def dim(self, text: str) -> str:
        return self._apply(text, dim=True)

    def marked(self, text: str) -> str:
        """The words between 【 and 】 highlighted (the markers stay: they are the plain output's highlight)."""
        if not self.enabled:
            return text
        out: list[str] = []
        inside = False
        for line in text.split("\n"):
            buf = "\x1b[1;33m" if inside else ""
            for ch in line:
                if ch == "【":
                    buf += ch + "\x1b[1;33m"
                    inside = True
                elif ch == "】":
                    buf += "\x1b[0m" + ch
                    inside = False
                else:
                    buf += ch
            out.append(buf + ("\x1b[0m" if inside else ""))
        return "\n".join(out)
