#!/usr/bin/env python3
"""Build fairreview/data/precedents.jsonl: published typical cases (典型案例) of violating clauses.

Source: the violation rows of ../shared/eval/dev.jsonl, clauses quoted in cases published by market
regulators and review bodies (each row keeps its ``source``). Only rows whose ``confidence`` is at least
``--min-confidence`` are kept (default ``medium``: ``high`` and ``medium`` are published enforcement or
inspection cases; ``suspected`` rows come from third-party assessments and are left out).

Precedents are shown next to findings for the reviewer's reference; they never create a finding.

    python scripts/build_precedents.py [--dev ../shared/eval/dev.jsonl] [--min-confidence medium]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
OUT = ROOT / "fairreview" / "data" / "precedents.jsonl"
KEEP = ("id", "text", "document", "issuer", "source", "provisions", "fcr_equivalent", "context", "confidence")
LEVELS = {"high": 3, "medium": 2, "suspected": 1}


def build(rows: list[dict], min_confidence: str) -> list[dict]:
    floor = LEVELS[min_confidence]
    out = []
    for row in rows:
        if row.get("label") != "violation" or not str(row.get("text") or "").strip():
            continue
        if LEVELS.get(str(row.get("confidence")), 0) < floor:
            continue
        out.append({k: row.get(k) for k in KEEP})
    return sorted(out, key=lambda r: r["id"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    ap.add_argument("--min-confidence", choices=sorted(LEVELS, key=LEVELS.get), default="medium")
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    args = ap.parse_args()
    if not args.dev.is_file():
        print(f"找不到 {args.dev}", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in args.dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    kept = build(rows, args.min_confidence)
    args.output.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8")
    print(f"{len(kept)} precedents → {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
