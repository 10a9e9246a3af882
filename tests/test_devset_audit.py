"""The lexicons must not learn the evaluation set's wording (issue 10): no rule example is a paraphrase of a
dev clause, and no word of the lexicons is a coinage that only one dev clause uses. Needs ../shared."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from fairreview.match.lexicon import load

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "audit_devset_leak.py"


def _audit_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("audit_devset_leak", SCRIPT)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while the class is built
    spec.loader.exec_module(mod)
    return mod


def test_no_example_or_word_comes_from_the_dev_set(shared: Path) -> None:
    audit = _audit_module()
    findings = audit.audit(load(), audit.load_dev(shared), audit.reference_text(shared), audit.legal_text(shared),
                           0.4, audit.allowlist())
    assert not findings, "\n".join(map(str, findings))


def test_the_audit_catches_a_paraphrase_and_a_coinage(shared: Path) -> None:
    """The audit itself can fail: a lexicon with a dev clause as its example and a one-clause word is reported."""
    audit = _audit_module()
    dev = audit.load_dev(shared)
    lexicon = load()
    rule = lexicon.rules[0]
    clause = max(dev, key=len)
    import dataclasses

    fake = dataclasses.replace(rule, violation_examples=(clause,))
    lexicon.rules = [fake]
    found = audit.audit(lexicon, dev, audit.reference_text(shared), audit.legal_text(shared), 0.4, frozenset())
    assert any(f.kind == "EXAMPLE" for f in found)
    allowed = audit.allowlist()
    assert allowed and "亩均税收" in allowed  # the trade's words are listed with a reason, not silently skipped


def test_allowlisted_words_are_in_the_lexicons() -> None:
    """Every allow-listed word is still used: a stale entry would hide a future coinage of the same word."""
    audit = _audit_module()
    used = {w for _, w in audit.lexicon_words(load())}
    stale = sorted(audit.allowlist() - used)
    assert not stale, f"lexicons/audit_allow.yaml lists words no rule or class uses: {stale}"
