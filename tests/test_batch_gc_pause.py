"""Building the rules and the engine pauses the garbage collector (batch/runner.py ``_long_lived``) and gives
it back as it found it, whatever happens inside."""

from __future__ import annotations

import gc

import pytest

from fairreview import Settings
from fairreview.batch.runner import Runner, _long_lived


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_and_given_back_as_it_was(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with _long_lived():
            assert not gc.isenabled()
        assert gc.isenabled() == enabled
        with pytest.raises(RuntimeError), _long_lived():
            raise RuntimeError("规则文件损坏")
        assert gc.isenabled() == enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_an_engine_is_built_without_the_collector_and_it_runs_again_after() -> None:
    seen: list[bool] = []
    runner = Runner(Settings(as_of="2026-12-01"))
    # each collection that starts: was the engine there yet?
    def started(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(runner._engine is not None)

    gc.callbacks.append(started)
    try:
        engine = runner.engine
        assert all(seen)  # none while the analysis was imported and the rules and the engine were made
        assert gc.isenabled() and engine.matcher.prefilter.candidates
        gc.collect()
        assert len(seen) >= 1  # and the collector runs again after
    finally:
        gc.callbacks.pop()
