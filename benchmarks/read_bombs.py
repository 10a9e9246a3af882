#!/usr/bin/env python3
"""Time the page bombs of issue 12 (a 1,999-page PDF sharing one content stream, a 2,000-page OFD sharing one
content file) through `fairreview.read.extract`; each must end quickly as a Chinese error.

    .venv/bin/python benchmarks/read_bombs.py            # this checkout
    PYTHONPATH=../main .venv/bin/python benchmarks/read_bombs.py   # another checkout, for a before/after
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hostile_files import ofd_page_bomb, pdf_page_bomb  # noqa: E402

from fairreview.read import ReadError, extract  # noqa: E402


def main() -> None:
    for name, data in (("bomb.pdf", pdf_page_bomb()), ("bomb.ofd", ofd_page_bomb())):
        start = time.perf_counter()
        try:
            ex = extract(data, name)
            outcome = f"text, {len(ex.text)} characters"
        except ReadError as exc:
            outcome = f"error: {exc}"
        print(f"{name}: {len(data) / 1024:.0f} KB, {time.perf_counter() - start:.2f} s, {outcome}")


if __name__ == "__main__":
    main()
