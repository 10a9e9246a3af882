"""Tables that are worked out from the package's code and data, shipped ready-made (JSON in
fairreview/data/precomputed/) so that the first document of a process does not build them.

Each table has a builder in the module that uses it, the slow way it was always made; scripts/build_tables.py
writes the files from the builders and tests/test_precomputed.py rebuilds every table and compares, so a table
that no longer follows from its sources fails the test suite. A missing table, or one made under another
Unicode version than this Python's (``unicode``, for tables that come from :mod:`unicodedata`), is not used:
the caller builds its own, as before.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DIR = Path(__file__).resolve().parent / "data" / "precomputed"


def path(name: str) -> Path:
    return DIR / f"{name}.json"


def load(name: str, unicode: str | None = None) -> Any | None:
    """The shipped table ``name``, or None where there is none that applies (``unicode``: the version of
    :mod:`unicodedata` it must have been made with)."""
    try:
        data = json.loads(path(name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("unicode") != unicode:
        return None
    return data.get("table")


def dump(name: str, table: Any, source: str, unicode: str | None = None) -> None:
    """Write a table (scripts/build_tables.py): ``source`` says what it is worked out from. ASCII only (\\u
    escapes): no tool that normalises Unicode text (an editor, a patch) can change a character of it."""
    DIR.mkdir(parents=True, exist_ok=True)
    data = {"source": source, "built_by": "scripts/build_tables.py", "unicode": unicode, "table": table}
    path(name).write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
