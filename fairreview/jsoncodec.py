"""JSON in compiled code where orjson is installed (a dependency), with the standard library's results.

The standard library indents and decodes in pure Python: a re-scan of 925 documents spent 35 ms indenting its
report and 8 ms decoding the cached results. Every function here gives exactly what the standard library call
it names gives; what orjson refuses or reads otherwise (integers beyond 64 bits, lone surrogates) goes to the standard
library.
"""

from __future__ import annotations

import json
import re
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - installed with --no-deps, or no wheel for this machine
    orjson = None  # type: ignore[assignment]


def pretty(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)`` (floats in exponent form aside: 1e-05 / 1e-5, the
    same number)."""
    if orjson is not None:
        try:
            return str(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8"))
        except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
            pass
    return json.dumps(value, ensure_ascii=False, indent=2)


#: 19 digits in a row: maybe an integer beyond 64 bits, which orjson reads as a float without a word
_LONG_NUMBER = re.compile(rb"\d{19}")


def loads(data: bytes) -> Any:
    """``json.loads`` of UTF-8 bytes in which lone surrogates were kept (``surrogatepass``)."""
    if orjson is not None and not _LONG_NUMBER.search(data):  # such digits inside a string only cost speed
        try:
            return orjson.loads(data)
        except (TypeError, ValueError):  # orjson.JSONDecodeError is a ValueError: lone surrogates
            pass
    return json.loads(data.decode("utf-8", "surrogatepass"))
