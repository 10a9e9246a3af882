"""Fuzz: mutate the bytes of each format's real fixture, from a random seed printed in the test header (replay a
run with FAIRREVIEW_FUZZ_SEED). Whatever the bytes, a scan gives every file a result
(text or a Chinese error), never a crash or an unbounded wait (converters run under a time-out; containers
are size-checked)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from memory_cap import memory_cap

from fairreview import Engine, Settings
from fairreview.model import VERDICTS
from fairreview.read import ReadError, extract

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
ENGINE = Engine(Settings(as_of="2026-11-27"))


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """Flip, overwrite, delete or insert a few byte runs, or truncate."""
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "overwrite", "delete", "insert", "truncate"]))
        pos = draw(st.integers(0, max(0, len(buf) - 1)))
        if op == "flip" and buf:
            buf[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "overwrite":
            chunk = draw(st.binary(min_size=1, max_size=64))
            buf[pos:pos + len(chunk)] = chunk
        elif op == "delete":
            del buf[pos:pos + draw(st.integers(1, 256))]
        elif op == "insert":
            buf[pos:pos] = draw(st.binary(min_size=1, max_size=64))
        else:
            del buf[pos:]
    return bytes(buf)


def _check(data: bytes, name: str) -> None:
    # a reader that runs away with memory fails here, with its input, instead of ending the test run
    with memory_cap(1024):
        try:
            ex = extract(data, name)
            assert isinstance(ex.text, str) and ex.text.strip()
        except ReadError as exc:
            assert any("\u4e00" <= c <= "\u9fff" for c in str(exc)), str(exc)
            assert "MemoryError" not in str(exc), str(exc)
        doc = ENGINE.scan_bytes(data, name)  # the whole pipeline accounts for the file
    assert doc.verdict in VERDICTS
    assert (doc.verdict == "error") == (doc.error is not None)
    assert "内部错误" not in (doc.error or ""), doc.error  # a reader bug, not a bad file


# The failing input is reported as it was drawn: a few mutated bytes of a fixture are already small, and
# shrinking an input that runs away with time or memory would replay it over and over.
NO_SHRINK = [Phase.explicit, Phase.reuse, Phase.generate]

FAST = ["notice.docx", "notice.pdf", "notice.rtf", "notice.html", "real-sample.ofd", "policy-list.xlsx",
        "notice-ooxml.wps", "notice.txt", "notice.doc", "notice-word97.wps", "table.doc", "fields.doc",
        "policy-list.xls"]


@pytest.mark.parametrize("name", FAST)
def test_mutated_fixture_never_crashes(name: str, fuzz_seed: int) -> None:
    original = (FORMATS / name).read_bytes()

    @seed(fuzz_seed)
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None,
              print_blob=True, phases=NO_SHRINK)
    @given(mutated(original))
    def run(data: bytes) -> None:
        _check(data, name)

    run()


def test_mutated_word97_never_runs_a_converter_past_its_budget(fuzz_seed: int) -> None:
    """Mutations the pure reader refuses as "not Word 97" go to a converter when one is installed: bounded."""
    from fairreview.read.limits import ReadLimits, using

    original = (FORMATS / "notice-word97.wps").read_bytes()

    @seed(fuzz_seed)
    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None,
              print_blob=True, phases=NO_SHRINK)
    @given(mutated(original))
    def run(data: bytes) -> None:
        with using(ReadLimits(converter_timeout_s=30.0)):
            _check(data, "mutated.wps")

    run()
