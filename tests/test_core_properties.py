"""Properties of the whole pipeline (issue 2 acceptance):

- each finding's offsets, mapped back from the normalised text, point at the matched words in the original
  text (checked through a second, independent normaliser);
- putting 不得 before the trigger of any violation example removes that rule's error/warning finding;
- arbitrary bytes saved as ``.txt`` never crash a scan.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairreview import Engine, Settings, scan_paths
from fairreview.match.lexicon import load
from fairreview.model import VERDICTS, DocumentResult

ENGINE = Engine(Settings(as_of="2026-11-27"))
EXAMPLES = [(r.code, e) for r in load().rules for e in r.violation_examples]
LAWFUL = [
    "第一条 为了规范管理，根据有关法律法规，制定本办法。",
    "各部门应当加强协作，提高服务效率。",
    "（二）对符合条件的企业，按规定给予支持；",
    "一、总体要求",
    "本办法自2025年1月1日起施行。",
    "县财政局负责资金的监督管理。",
]


def _scan(text: str) -> DocumentResult:
    return ENGINE.analyse_text(text, DocumentResult(path="<t>")).result


# Characters that move offsets between the extracted and the normalised text: vanishing (zero width, CR of
# CRLF), expanding (ligatures), astral, folded (full-width), kept (circled numbers, ellipsis), spaces
# between CJK characters (dropped as PDF artefacts).
NOISE = ["\u200b", "\ufeff", "\u00ad", "\r\n", "\r", " ", "　", "\t", "ﬁ", "㎡", "𠀀", "①", "…", "２０２４", "ＡＢ"]
_KEEP = {chr(c) for c in range(0x2460, 0x2474)} | {"…", "‥"}
_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}


def reference_fold(s: str) -> str:
    """A second normaliser, written independently of read/normalize.py and far simpler: NFKC one character
    at a time, zero-width characters dropped, then every kind of white space removed (so the rules about
    which spaces normalisation keeps do not matter)."""
    out = []
    for ch in s:
        if ch in _ZERO_WIDTH:
            continue
        out.append(ch if ch in _KEEP else unicodedata.normalize("NFKC", ch))
    return re.sub(r"\s+", "", "".join(out))


@st.composite
def noisy(draw: st.DrawFn, sentence: str) -> str:
    """``sentence`` with up to three offset-moving characters inserted anywhere (even inside a trigger)."""
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(sentence)))
        sentence = sentence[:i] + draw(st.sampled_from(NOISE)) + sentence[i:]
    return sentence


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(st.sampled_from([e for _, e in EXAMPLES]).flatmap(noisy), st.sampled_from(LAWFUL),
                       st.text(max_size=30)), min_size=1, max_size=8),
    st.sampled_from(["\n", "\r\n", "", "　", "\n\n"]),
)
def test_finding_offsets_point_at_the_matched_words_in_the_original_text(parts: list[str], sep: str) -> None:
    """Offsets are computed on the normalised text and mapped back: in the *original* text, the sentence
    span holds the trigger, and the text at ``trigger_start`` begins with the matched words (compared
    through the second normaliser)."""
    text = sep.join(parts)
    for f in _scan(text).findings:
        assert 0 <= f.start <= f.trigger_start < f.end <= len(text), f
        head = reference_fold(f.evidence[0])
        assert head and reference_fold(text[f.trigger_start : f.end]).startswith(head), (f.evidence, text)
        assert text[f.start : f.end].strip()


def test_offsets_survive_characters_that_move_them() -> None:
    """The same property on one document where every kind of offset-moving character precedes the finding."""
    code, sentence = EXAMPLES[0]
    prefix = "".join(NOISE) + "\r\n第 一 条　总　则\r\n"
    text = prefix + sentence
    found = [f for f in _scan(text).findings if f.rule == code]
    assert found, "the violation example should still be found after the noise"
    for f in found:
        assert f.start >= len(prefix) - 1
        assert reference_fold(text[f.trigger_start : f.end]).startswith(reference_fold(f.evidence[0]))
        assert reference_fold(sentence).endswith(reference_fold(text[f.start : f.end])[-5:])


# Rules whose restriction is itself worded as a penalty or ban read no polarity (negation: false).
NEGATABLE = {r.code for r in load().rules if r.negation}


def _check_negation(code: str, sentence: str, prefix: str) -> None:
    text = prefix + ("\n" if prefix else "") + sentence
    before = [f for f in _scan(text).findings if f.rule == code and f.flags()]
    assert before, f"{code} should flag its own violation example: {sentence}"
    if code not in NEGATABLE:
        return
    for f in before:
        pos = f.trigger_start
        negated = text[:pos] + "不得" + text[pos:]
        # the same words (now two characters later) must no longer fire; another part of the sentence may
        after = [g for g in _scan(negated).findings if g.rule == code and g.flags()]
        assert not any(g.trigger_start == pos + 2 for g in after), (negated, after)


@pytest.mark.parametrize(("code", "sentence"), EXAMPLES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(EXAMPLES)])
def test_bu_de_before_trigger_of_every_example(code: str, sentence: str) -> None:
    _check_negation(code, sentence, "")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(EXAMPLES), st.sampled_from(LAWFUL))
def test_bu_de_before_trigger_in_context(example: tuple[str, str], prefix: str) -> None:
    _check_negation(example[0], example[1], prefix)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2048))
def test_any_bytes_never_crash(tmp_path: Path, data: bytes) -> None:
    p = tmp_path / "doc.txt"
    p.write_bytes(data)
    report = scan_paths([str(p)], engine=ENGINE)
    (doc,) = report.documents
    assert doc.verdict in VERDICTS
    if doc.verdict == "error":
        assert doc.error and doc.error.strip()
        assert not doc.findings
    else:
        assert doc.error is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=64, max_size=2048))
def test_binary_noise_is_an_error(tmp_path: Path, data: bytes) -> None:
    noise = b"\x00\xff\x01" + data  # a NUL in the head: not a text file
    p = tmp_path / "noise.txt"
    p.write_bytes(noise)
    (doc,) = scan_paths([str(p)], engine=ENGINE).documents
    assert doc.verdict == "error" and doc.error
