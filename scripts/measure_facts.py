"""Measure document-fact extraction (文号, 发文机关, 成文日期, 有效期) on real policy documents.

    .venv/bin/python scripts/measure_facts.py [--corpus ../shared/corpus] [--show-misses 10] [--periods 30]

Compares with ``policies.jsonl`` wherever it has a value: 文号 exactly (brackets folded to 〔〕), issuer
exactly after removing spaces and 、 (and "contained" as a looser count), date exactly and within 7 days
(the jsonl date is often the web publication date, a few days after the 成文日期). policies.jsonl has no
有效期, so ``--periods N`` prints, for N documents that mention a period, the sentences and the value found,
for checking by hand (docs/formats.md records the result). Standard library + fairreview only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

from fairreview.facts import extract_meta
from fairreview.read import ReadError, extract, normalize
from fairreview.structure import parse

ROOT = Path(__file__).resolve().parent.parent


def _fold(s: str | None) -> str:
    s = normalize(s or "").text
    s = re.sub(r"[\[(【]((?:19|20)\d{2})[\])】]", r"〔\1〕", s)
    return re.sub(r"[\s、,，]", "", s)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--show-misses", type=int, default=8)
    ap.add_argument("--periods", type=int, default=0, help="print N documents with a period for a hand check")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    rows = [
        json.loads(line)
        for line in (corpus / "policies.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    counts = {k: [0, 0] for k in ("doc_number", "issuer", "issuer_contained", "date", "date_7d")}
    # precision: of the values extracted where policies.jsonl has one, how many agree
    precision = {k: [0, 0] for k in ("doc_number", "issuer", "issuer_contained", "date_7d")}
    extra_numbers: list[str] = []
    found = {"doc_number": 0, "issuer": 0, "issued": 0, "effective": 0, "expires": 0}
    misses: dict[str, list[str]] = {k: [] for k in counts}
    periods: list[tuple[str, str | None, str | None, list[str]]] = []
    errors = 0
    for row in rows:
        path = corpus / row["file"]
        try:
            ex = extract(path.read_bytes(), path.name)
        except ReadError:
            errors += 1
            continue
        norm = normalize(ex.text).text
        try:
            title = parse(norm).title
        except Exception as exc:  # a structure bug must not stop the measurement; it is reported
            print(f"structure failed on {row['file']}: {type(exc).__name__}: {exc}", file=sys.stderr)
            title = None
        meta = extract_meta(norm, title)
        for k in found:
            found[k] += getattr(meta, k) is not None
        if row.get("doc_number"):
            ok = _fold(meta.doc_number) == _fold(row["doc_number"])
            counts["doc_number"][0] += ok
            counts["doc_number"][1] += 1
            if meta.doc_number:
                precision["doc_number"][0] += ok
                precision["doc_number"][1] += 1
            if not ok:
                misses["doc_number"].append(f"{row['file']}: want {row['doc_number']} got {meta.doc_number}")
        elif meta.doc_number:
            extra_numbers.append(f"{row['file']}: {meta.doc_number}")
        if row.get("issuer"):
            want, got = _fold(row["issuer"]), _fold(meta.issuer)
            ok = want == got
            loose = bool(got) and (want in got or got in want)
            counts["issuer"][0] += ok
            counts["issuer"][1] += 1
            counts["issuer_contained"][0] += ok or loose
            counts["issuer_contained"][1] += 1
            if got:
                precision["issuer"][0] += ok
                precision["issuer"][1] += 1
                precision["issuer_contained"][0] += ok or loose
                precision["issuer_contained"][1] += 1
            if not ok:
                misses["issuer"].append(f"{row['file']}: want {row['issuer']} got {meta.issuer}")
        if row.get("date"):
            want_d = dt.date.fromisoformat(row["date"])
            got_d = dt.date.fromisoformat(meta.issued) if meta.issued else None
            counts["date"][0] += got_d == want_d
            counts["date"][1] += 1
            near = got_d is not None and abs((got_d - want_d).days) <= 7
            counts["date_7d"][0] += near
            counts["date_7d"][1] += 1
            if got_d is not None:
                precision["date_7d"][0] += near
                precision["date_7d"][1] += 1
            if not near:
                misses["date"].append(f"{row['file']}: want {row['date']} got {meta.issued}")
        sents = [
            s.strip()
            for s in re.split(r"(?<=[。;!?])|\n", norm)
            if re.search(r"有效期|执行期|实施期|施行期|试行期|(施行|实施|执行)至", s)
        ]
        if sents:
            periods.append((row["file"], meta.effective, meta.expires, sents[-3:]))
    print(f"documents: {len(rows)} (unreadable {errors})")
    for k, (ok, n) in counts.items():
        pct = 100 * ok / n if n else 0
        print(f"  {k:17s} {ok:4d}/{n:<4d} {pct:5.1f} %  (where policies.jsonl has a value)")
    for k, (ok, n) in precision.items():
        pct = 100 * ok / n if n else 0
        print(f"  precision {k:17s} {ok:4d}/{n:<4d} {pct:5.1f} %  (of values extracted there)")
    if extra_numbers:
        print(
            f"  文号 found where policies.jsonl has none: {len(extra_numbers)} — " + "; ".join(extra_numbers)
        )
    print("  values found in all documents: " + ", ".join(f"{k} {v}" for k, v in found.items()))
    for k, items in misses.items():
        if items and args.show_misses:
            print(f"-- {k} misses (first {args.show_misses} of {len(items)}):")
            for item in items[: args.show_misses]:
                print("   " + item)
    if args.periods:
        print(f"-- {min(args.periods, len(periods))} of {len(periods)} documents that mention a period:")
        for file, eff, exp, sents in periods[: args.periods]:
            print(f"{file}: effective={eff} expires={exp}")
            for s in sents:
                print("     | " + s[:160])
    return 0


if __name__ == "__main__":
    sys.exit(main())
