"""Audit the lexicons for dev-set leakage (needs ../shared; also run as a test when it is there).

The dev set (../shared/eval/dev.jsonl) is for measuring. Rules and examples must generalise from the legal text
and the kinds of violation, so this reports

  1. EXAMPLE: a rule example whose character 4-grams — apart from those it shares with the law texts, which
     both may quote — are for the most part (≥ --containment) contained in one dev clause: a copied or
     paraphrased clause, whatever was reordered around it;
  2. TERM: a word of the lexicons (class terms, frame literals, constraint literals and the CJK runs of their
     regular expressions, exceptions) of three or more characters that occurs in exactly one dev clause and
     nowhere in the 1,277 real corpus documents or the law texts — a coinage of one report (纳税冠军). Words
     the trade really uses that our corpora happen to lack are listed, with the reason, in
     lexicons/audit_allow.yaml (reviewed like the lexicons).

Exit code 1 when anything is reported.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CJK_RUN = re.compile(r"[\u4e00-\u9fff]{3,}")


N = 4  # character n-grams: long enough that shared legal stock phrases of two or three characters do not count


def trigrams(text: str) -> set[str]:
    t = re.sub(r"[\s,，。；;：:、（）()“”\"']+", "", text)
    return {t[i : i + N] for i in range(len(t) - N + 1)}


@dataclass
class Finding:
    kind: str  # EXAMPLE / TERM
    where: str
    what: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} {self.where}: {self.what}  ({self.detail})"


def _class_words(lexicon) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    for name, cls in lexicon.classes.items():
        yield from ((f"${name}", t) for t in cls.terms)
        yield from ((f"${name}", run) for p in cls.patterns for run in CJK_RUN.findall(p))


def _rule_words(lexicon) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    for rule in lexicon.rules:
        yield from ((rule.code, t) for t in rule.terms())
        regexes = [c.regex.pattern for pat in rule.patterns for c in (*pat.with_, *pat.unless) if c.regex is not None]
        yield from ((rule.code, run) for r in regexes for run in CJK_RUN.findall(r))


def lexicon_words(lexicon) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(where, word) for every literal word the lexicons contain."""
    yield from _class_words(lexicon)
    yield from _rule_words(lexicon)


def audit(lexicon, dev: list[str], reference: str, legal: str, containment: float,  # type: ignore[no-untyped-def]
          allowed: frozenset[str] = frozenset()) -> list[Finding]:
    out: list[Finding] = []
    dev_grams = [(d, trigrams(d)) for d in dev]
    legal_grams = trigrams(legal)
    for rule in lexicon.rules:
        for ex in (*rule.violation_examples, *rule.compliant_examples):
            g = trigrams(ex) - legal_grams
            if len(g) < 4:
                continue
            best, clause = max(((len(g & dg) / len(g), d) for d, dg in dev_grams), default=(0.0, ""))
            if best >= containment:
                out.append(Finding("EXAMPLE", rule.code, ex, f"{best:.0%} in dev: {clause[:60]}"))
    seen: set[tuple[str, str]] = set()
    for where, word in lexicon_words(lexicon):
        if len(word) < 3 or (where, word) in seen:
            continue
        seen.add((where, word))
        if word in reference or word in allowed:
            continue
        hits = sum(word in d for d in dev)
        if hits == 1:
            out.append(Finding("TERM", where, word, f"in {hits} dev clauses, in no corpus document or law text"))
    return out


def reference_text(shared: Path) -> str:
    parts: Iterable[str] = (
        p.read_text(encoding="utf-8", errors="replace")
        for p in sorted((shared / "corpus").glob("*/*"))
        if p.suffix in (".md", ".txt")
    )
    return "\n".join([*parts, legal_text(shared)])


def legal_text(shared: Path) -> str:
    return (shared / "legal" / "provisions.yaml").read_text(encoding="utf-8")


def allowlist() -> frozenset[str]:
    import yaml

    path = ROOT / "fairreview" / "lexicons" / "audit_allow.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return frozenset(str(w) for w in (data or {}).get("words", {}))


def load_dev(shared: Path) -> list[str]:
    lines = (shared / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--containment", type=float, default=0.4)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from fairreview.match.lexicon import load

    findings = audit(load(), load_dev(args.shared), reference_text(args.shared), legal_text(args.shared),
                     args.containment, allowlist())
    for f in findings:
        print(f)
    print(f"{len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
