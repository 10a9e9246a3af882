"""Shared fixtures. Tests that read ../shared skip with a reason when it is absent (a user's machine)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from fairreview import Engine, Settings

# No per-example deadline: a shared CI machine is slower than a laptop, and a first example that loads the
# segmentation model would otherwise be reported as flaky. Properties, not speed, are what these tests check.
hypothesis_settings.register_profile("fairreview", deadline=None)
hypothesis_settings.load_profile("fairreview")

# One random seed per test run for the fuzz tests, printed in the header (and settable to replay a run).
FUZZ_SEED = int(os.environ.get("FAIRREVIEW_FUZZ_SEED") or secrets.randbelow(2**32))

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def _private_result_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """`fairreview scan` caches results per user (~/.cache/fairreview, sealed with a key in
    ~/.config/fairreview); tests keep theirs in temp folders (set in the environment, so CLI subprocesses
    inherit them)."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("xdg-config"))
    os.environ.pop("FAIRREVIEW_CACHE_DIR", None)


@pytest.fixture(autouse=True)
def _private_data_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's own review database (used where no fairreview.toml is found) is per test: decisions
    recorded by one test never reach another (set in the environment, so CLI subprocesses inherit it)."""
    folder = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("FAIRREVIEW_DATA_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine(Settings(as_of="2026-11-27"))


def pytest_report_header(config: pytest.Config) -> str:
    return f"fuzz seed: {FUZZ_SEED} (replay with FAIRREVIEW_FUZZ_SEED={FUZZ_SEED})"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(f"fuzz seed: {FUZZ_SEED} (replay with FAIRREVIEW_FUZZ_SEED={FUZZ_SEED})")


@pytest.fixture
def fuzz_seed() -> int:
    """The run's fuzz seed; printed again with a failing test's output."""
    print(f"fuzz seed {FUZZ_SEED}: replay with FAIRREVIEW_FUZZ_SEED={FUZZ_SEED}")
    return FUZZ_SEED


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the checkout (only CI and developers have it)")
    return SHARED
