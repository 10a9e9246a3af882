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
from dataclasses import dataclass, field
from pathlib import Path

from fairreview.facts import extract_meta
from fairreview.model import Meta
from fairreview.read import ReadError, extract, normalize
from fairreview.structure import parse

ROOT = Path(__file__).resolve().parent.parent


def _fold(s: str | None) -> str:
    s = normalize(s or "").text
    s = re.sub(r"[\[(【]((?:19|20)\d{2})[\])】]", r"〔\1〕", s)
    return re.sub(r"[\s、,，]", "", s)


PERIOD_WORDS = re.compile(r"有效期|执行期|实施期|施行期|试行期|(施行|实施|执行)至")


@dataclass
class Tally:
    """Agreement with policies.jsonl per field, and what to print about the misses."""

    # recall: of the documents where policies.jsonl has a value, how many agree
    counts: dict[str, list[int]] = field(default_factory=lambda: {
        k: [0, 0] for k in ("doc_number", "issuer", "issuer_contained", "date", "date_7d")})
    # precision: of the values extracted where policies.jsonl has one, how many agree
    precision: dict[str, list[int]] = field(default_factory=lambda: {
        k: [0, 0] for k in ("doc_number", "issuer", "issuer_contained", "date_7d")})
    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("doc_number", "issuer", "issued", "effective", "expires"), 0))
    misses: dict[str, list[str]] = field(default_factory=lambda: {
        k: [] for k in ("doc_number", "issuer", "issuer_contained", "date", "date_7d")})
    extra_numbers: list[str] = field(default_factory=list)
    periods: list[tuple[str, str | None, str | None, list[str]]] = field(default_factory=list)
    errors: int = 0

    def add(self, key: str, ok: bool, extracted: bool, precision_key: str | None = None) -> None:
        self.counts[key][0] += ok
        self.counts[key][1] += 1
        if extracted and precision_key:
            self.precision[precision_key][0] += ok
            self.precision[precision_key][1] += 1

    def doc_number(self, row: dict[str, str], meta: Meta) -> None:
        if not row.get("doc_number"):
            if meta.doc_number:
                self.extra_numbers.append(f"{row['file']}: {meta.doc_number}")
            return
        ok = _fold(meta.doc_number) == _fold(row["doc_number"])
        self.add("doc_number", ok, bool(meta.doc_number), "doc_number")
        if not ok:
            self.misses["doc_number"].append(f"{row['file']}: want {row['doc_number']} got {meta.doc_number}")

    def issuer(self, row: dict[str, str], meta: Meta) -> None:
        if not row.get("issuer"):
            return
        want, got = _fold(row["issuer"]), _fold(meta.issuer)
        ok = want == got
        loose = bool(got) and (want in got or got in want)
        self.add("issuer", ok, bool(got), "issuer")
        self.add("issuer_contained", ok or loose, bool(got), "issuer_contained")
        if not ok:
            self.misses["issuer"].append(f"{row['file']}: want {row['issuer']} got {meta.issuer}")

    def date(self, row: dict[str, str], meta: Meta) -> None:
        if not row.get("date"):
            return
        want_d = dt.date.fromisoformat(row["date"])
        got_d = dt.date.fromisoformat(meta.issued) if meta.issued else None
        near = got_d is not None and abs((got_d - want_d).days) <= 7
        self.add("date", got_d == want_d, False)
        self.add("date_7d", near, got_d is not None, "date_7d")
        if not near:
            self.misses["date"].append(f"{row['file']}: want {row['date']} got {meta.issued}")

    def document(self, row: dict[str, str], norm: str, meta: Meta) -> None:
        for k in self.found:
            self.found[k] += getattr(meta, k) is not None
        self.doc_number(row, meta)
        self.issuer(row, meta)
        self.date(row, meta)
        sents = [s.strip() for s in re.split(r"(?<=[。;!?])|\n", norm) if PERIOD_WORDS.search(s)]
        if sents:
            self.periods.append((row["file"], meta.effective, meta.expires, sents[-3:]))

    def print(self, documents: int, show_misses: int, periods: int) -> None:
        print(f"documents: {documents} (unreadable {self.errors})")
        for k, (ok, n) in self.counts.items():
            pct = 100 * ok / n if n else 0
            print(f"  {k:17s} {ok:4d}/{n:<4d} {pct:5.1f} %  (where policies.jsonl has a value)")
        for k, (ok, n) in self.precision.items():
            pct = 100 * ok / n if n else 0
            print(f"  precision {k:17s} {ok:4d}/{n:<4d} {pct:5.1f} %  (of values extracted there)")
        if self.extra_numbers:
            print(f"  文号 found where policies.jsonl has none: {len(self.extra_numbers)} — "
                  + "; ".join(self.extra_numbers))
        print("  values found in all documents: " + ", ".join(f"{k} {v}" for k, v in self.found.items()))
        for k, items in self.misses.items():
            if items and show_misses:
                print(f"-- {k} misses (first {show_misses} of {len(items)}):")
                for item in items[:show_misses]:
                    print("   " + item)
        if periods:
            print(f"-- {min(periods, len(self.periods))} of {len(self.periods)} documents that mention a period:")
            for file, eff, exp, sents in self.periods[:periods]:
                print(f"{file}: effective={eff} expires={exp}")
                for s in sents:
                    print("     | " + s[:160])


def _meta(path: Path, label: str) -> tuple[str, Meta] | None:
    """(normalised text, facts) of one document, or None when it cannot be read."""
    try:
        ex = extract(path.read_bytes(), path.name)
    except ReadError:
        return None
    norm = normalize(ex.text).text
    try:
        title = parse(norm).title
    except Exception as exc:  # a structure bug must not stop the measurement; it is reported
        print(f"structure failed on {label}: {type(exc).__name__}: {exc}", file=sys.stderr)
        title = None
    return norm, extract_meta(norm, title)


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
    tally = Tally()
    for row in rows:
        got = _meta(corpus / row["file"], row["file"])
        if got is None:
            tally.errors += 1
            continue
        tally.document(row, *got)
    tally.print(len(rows), args.show_misses, args.periods)
    return 0


if __name__ == "__main__":
    sys.exit(main())
