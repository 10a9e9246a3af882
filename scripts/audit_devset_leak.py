"""Audit the lexicons for dev-set leakage (run by hand; needs ../shared).

The dev set (../shared/eval/dev.jsonl) is for measuring. Rules and examples must generalise from the legal text
and the shapes of violations, so this lists:
  1. rule examples that are close to a dev clause (rapidfuzz ratio ≥ --threshold);
  2. pattern terms of ≥ 5 characters found in a dev clause but nowhere in the 1,277 real corpus documents —
     candidates for a copied distinctive fragment, to be read by a person (legal stock phrases are fine).
Exit code 1 when any example is too close.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rapidfuzz import fuzz, process

from fairreview.match.lexicon import load

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--threshold", type=float, default=65.0)
    args = ap.parse_args()
    lines = (args.shared / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    dev = [json.loads(line)["text"] for line in lines if line.strip()]
    corpus = "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in sorted((args.shared / "corpus").glob("*/*"))
        if p.suffix in (".md", ".txt")
    )
    lex = load()
    close = 0
    for rule in lex.rules:
        for ex in (*rule.violation_examples, *rule.compliant_examples):
            best = process.extractOne(ex, dev, scorer=fuzz.ratio)
            if best and best[1] >= args.threshold:
                close += 1
                print(f"EXAMPLE {rule.code} {best[1]:.0f}: {ex}\n   dev: {best[0][:100]}")
    for rule in lex.rules:
        for term in sorted(rule.terms()):
            if len(term) >= 5 and term not in corpus:
                hits = sum(term in d for d in dev)
                if hits:
                    print(f"TERM {rule.code} {term} (in {hits} dev clauses, 0 corpus documents)")
    print(f"{close} examples within ratio {args.threshold} of a dev clause")
    return 1 if close else 0


if __name__ == "__main__":
    sys.exit(main())
