#!/usr/bin/env python3
"""Time the bombs of issue 12 — a 1,999-page PDF sharing one content stream, a 2,000-page OFD sharing one content
file, a 2 MB PDF whose content stream inflates to 2 GB, a docx member inflating to 1 GB, HTML nested 100,000 deep —
two ways:

1. through ``fairreview.read.extract`` in this process (the readers' own page, size and inflation budgets);
2. through a real ``fairreview scan`` process per bomb (the per-document deadline and memory limit of the worker
   that analyses it, docs/scale.md), with its wall time and the peak memory of its largest process.

Each must end as a Chinese error, well within the budget (60 s, 1024 MB).

    .venv/bin/python benchmarks/read_bombs.py            # this checkout
    PYTHONPATH=../main .venv/bin/python benchmarks/read_bombs.py --extract-only   # another checkout, before/after
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile_files import bombs  # noqa: E402
from run import WRAPPER  # noqa: E402

from fairreview.read import ReadError, extract  # noqa: E402


def in_process(name: str, data: bytes) -> str:
    start = time.perf_counter()
    try:
        ex = extract(data, name)
        outcome = f"text, {len(ex.text)} characters"
    except ReadError as exc:
        outcome = f"error: {exc}"
    except MemoryError:
        outcome = "MemoryError"
    return f"{time.perf_counter() - start:.2f} s, {outcome}"


def scanned(path: Path) -> str:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", WRAPPER, sys.executable, "-m", "fairreview", "scan", str(path),
                           "--format", "json", "--no-cache"], capture_output=True, timeout=600, check=False)
    wall = time.perf_counter() - start
    lines = proc.stdout.decode("utf-8").strip().splitlines()
    info = json.loads(lines[-1])
    report = json.loads("\n".join(lines[:-1]))
    (doc,) = report["documents"]
    what = f"error: {doc['error']}" if doc["error"] else doc["verdict_zh"]
    return f"{wall:.2f} s, largest process {info['maxrss_kb'] / 1024:.0f} MB, exit {info['rc']}, {what}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--extract-only", action="store_true", help="only the in-process read (another checkout)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="fairreview-bombs-") as tmp:
        for i, (ext, data, what) in enumerate(bombs()):
            name = f"bomb-{i}{ext}"
            print(f"{name} ({what}, {len(data) / 1024:.0f} KB)")
            if ext != ".pdf" or i == 0:  # the inflating PDF is only run under the budget: it takes 3 GB here
                print(f"  extract: {in_process(name, data)}")
            if not args.extract_only:
                path = Path(tmp, name)
                path.write_bytes(data)
                print(f"  scan:    {scanned(path)}", flush=True)


if __name__ == "__main__":
    main()
