"""Per-document budgets (issue 12, item 2): a deadline and a memory limit enforced in the worker process, with
one worker (--jobs 1, a small scan) as with several; a document over budget is an error, the scan goes on, the
worker is replaced; the bombs end as errors within the budget."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_files import ofd_page_bomb, pdf_flate_bomb, pdf_page_bomb

from fairreview import Settings, scan_paths
from fairreview.batch import Runner, local, runner
from fairreview.batch.budget import crash_message, deadline, memory_message, timeout_message
from fairreview.batch.texts import extract_files
from fairreview.cli import main
from fairreview.read import Extracted, ReadError, registry
from fairreview.settings import Budget, ConfigError, Overrides, find_config, load_settings

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "formats" / "notice.txt"
AS_OF = "2026-11-27"

pytestmark = pytest.mark.skipif(local.start_method() != "fork",
                                reason="the hostile readers are registered in this process; only forked workers "
                                       "inherit them")


def _hang(data: bytes, name: str) -> Extracted:
    while True:  # a reader in an endless loop of Python code
        time.sleep(0.05)


def _native_hang(data: bytes, name: str) -> Extracted:
    # what a native library stuck in one call looks like: no signal reaches Python code
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGTERM})
    while True:
        time.sleep(0.05)


def _hog(data: bytes, name: str) -> Extracted:
    hoard = bytearray(8 * 1024**3)  # more than any budget: MemoryError under the limit
    return Extracted(text=str(len(hoard)), format="hog")


def _hog_taken_for_damage(data: bytes, name: str) -> Extracted:
    try:  # as the readers wrap what their library raises: the file's damage, they assume
        hoard = bytearray(8 * 1024**3)
    except Exception as exc:
        raise ReadError(f"工作簿已损坏（{type(exc).__name__}）") from exc
    return Extracted(text=str(len(hoard)), format="hog")


def _slow(data: bytes, name: str) -> Extracted:
    time.sleep(float(data))
    return Extracted(text=FIXTURE.read_text(encoding="utf-8"), format="txt")


@pytest.fixture(autouse=True)
def hostile_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    for ext, reader in ((".hang", _hang), (".native", _native_hang), (".hog", _hog), (".slow", _slow),
                        (".damp", _hog_taken_for_damage)):
        monkeypatch.setitem(registry.READERS, ext, reader)


def _settings(timeout: float = 1.0, memory: int = 1024) -> Settings:
    return Settings(as_of=AS_OF, budget=Budget(timeout_s=timeout, memory_mb=memory))


def _folder(root: Path, *hostile: tuple[str, bytes]) -> Path:
    root.mkdir(exist_ok=True)
    for i in range(3):
        (root / f"good-{i}.txt").write_bytes(FIXTURE.read_bytes())
    for name, data in hostile:
        (root / name).write_bytes(data)
    return root


def _by_name(report_docs: list) -> dict[str, object]:
    return {os.path.basename(d.path): d for d in report_docs}


@pytest.mark.parametrize("jobs", [1, 2])
def test_documents_over_their_deadline_are_errors_and_the_scan_goes_on(
        tmp_path: Path, jobs: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "MIN_DOCS_PER_JOB", 1)
    folder = _folder(tmp_path / "docs", ("a.hang", b"x"), ("b.native", b"x"), ("c.hang", b"x"))
    docs = _by_name(scan_paths([str(folder)], _settings(timeout=1.0), jobs=jobs).documents)
    for name in ("a.hang", "b.native", "c.hang"):
        assert docs[name].verdict == "error" and docs[name].error == timeout_message(1.0)  # type: ignore[attr-defined]
    for i in range(3):  # the workers that timed out were replaced: the rest of the scan ran
        assert docs[f"good-{i}.txt"].verdict == "expired"  # type: ignore[attr-defined]


def test_a_document_over_the_memory_limit_is_an_error_and_the_scan_goes_on(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "docs", ("big.hog", b"x"))
    docs = _by_name(scan_paths([str(folder)], _settings(timeout=30, memory=512)).documents)
    assert docs["big.hog"].error == memory_message(512)  # type: ignore[attr-defined]
    assert all(docs[f"good-{i}.txt"].verdict == "expired" for i in range(3))  # type: ignore[attr-defined]


def test_a_reader_that_takes_its_memory_error_for_damage_is_reported_over_the_budget(tmp_path: Path) -> None:
    """The budget, not the file, ended the read: the message says so, whatever the reader wrapped it in."""
    folder = _folder(tmp_path / "docs", ("sheet.damp", b"x"))
    docs = _by_name(scan_paths([str(folder)], _settings(timeout=30, memory=512)).documents)
    assert docs["sheet.damp"].error == memory_message(512)  # type: ignore[attr-defined]
    assert all(docs[f"good-{i}.txt"].verdict == "expired" for i in range(3))  # type: ignore[attr-defined]


@functools.cache
def _bombs() -> tuple[tuple[str, bytes], ...]:
    return (("pages.pdf", pdf_page_bomb()), ("pages.ofd", ofd_page_bomb()), ("inflate.pdf", pdf_flate_bomb(1024)))


def test_the_bombs_end_as_errors_within_the_budget(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "docs", *_bombs())
    start = time.monotonic()
    docs = _by_name(scan_paths([str(folder)], _settings(timeout=30, memory=512)).documents)
    elapsed = time.monotonic() - start
    assert "页数过多" in docs["pages.pdf"].error and "页数过多" in docs["pages.ofd"].error  # type: ignore[attr-defined]
    # pdfium aborts when its allocation fails under the limit (tried twice: the first death may not be its fault)
    assert docs["inflate.pdf"].error in (crash_message(-signal.SIGABRT, 512), memory_message(512))  # type: ignore[attr-defined]
    assert elapsed < 30  # none of them ran into the deadline: the budgets stopped each one first
    assert all(docs[f"good-{i}.txt"].verdict == "expired" for i in range(3))  # type: ignore[attr-defined]


def test_a_result_over_budget_is_not_cached_so_a_larger_budget_tries_again(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "docs", ("late.slow", b"2"))
    with Runner(_settings(timeout=0.5), cache_dir=tmp_path / "cache") as short:
        first = _by_name(short.scan([str(folder)]).documents)
    assert first["late.slow"].error == timeout_message(0.5)  # type: ignore[attr-defined]
    with Runner(_settings(timeout=30), cache_dir=tmp_path / "cache") as long:
        again = _by_name(long.scan([str(folder)]).documents)
        assert long.store is not None and long.store.misses == 1  # the slow file, analysed again
    assert again["late.slow"].verdict == "expired"  # type: ignore[attr-defined]


def test_the_text_command_reads_within_the_budget_too(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "docs", ("a.hang", b"x"))
    got = dict(extract_files([str(folder / "a.hang"), str(folder / "good-0.txt")], _settings(timeout=1.0)))
    assert got[str(folder / "a.hang")] == timeout_message(1.0)
    assert isinstance(got[str(folder / "good-0.txt")], Extracted)


def test_deadline_in_this_process_and_outside_the_main_thread() -> None:
    from fairreview.batch.budget import DocumentTimeout

    with pytest.raises(DocumentTimeout), deadline(0.2):
        time.sleep(5)
    import threading

    done: list[bool] = []

    def elsewhere() -> None:
        with deadline(0.01):  # no signals outside the main thread: nothing armed, nothing raised
            time.sleep(0.1)
        done.append(True)

    t = threading.Thread(target=elsewhere)
    t.start()
    t.join()
    assert done == [True]


def test_budget_from_options_configuration_and_defaults(tmp_path: Path) -> None:
    default = load_settings(config=find_config(tmp_path)).budget
    assert default == Budget(timeout_s=60.0, memory_mb=1024)
    (tmp_path / "fairreview.toml").write_text("timeout = 5\nmemory-limit = 512\n", encoding="utf-8")
    configured = load_settings(config=find_config(tmp_path)).budget
    assert configured == Budget(timeout_s=5.0, memory_mb=512)
    given = load_settings(Overrides(timeout_s=2.5, memory_mb=256), config=find_config(tmp_path)).budget
    assert given == Budget(timeout_s=2.5, memory_mb=256)
    assert load_settings(config=find_config(tmp_path)).to_dict() == Settings(as_of=Settings().as_of).to_dict() | {
        "as_of": load_settings().as_of}  # the budget never keys the cache
    for bad in ("timeout = 0", "timeout = \"60\"", "memory-limit = 10", "memory-limit = 1.5"):
        (tmp_path / "fairreview.toml").write_text(bad + "\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="timeout|memory-limit"):
            find_config(tmp_path)


def test_budget_options_on_the_command_line(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "docs")
    for bad in (["--timeout", "0"], ["--memory-limit", "8"]):
        res = CliRunner().invoke(main, ["scan", str(folder), *bad])
        assert res.exit_code == 2
    ok = CliRunner().invoke(main, ["scan", str(folder), "--timeout", "30", "--memory-limit", "2048", "-q",
                                   "--no-cache"])
    assert ok.exit_code == 1, ok.output  # findings (the fixture cites a repealed law)


FAKE_SOFFICE = """#!/bin/sh
echo $$ >> "{pids}"
(sleep 3; touch "{marker}") &
sleep 60
"""


@pytest.fixture
def stuck_converter(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A PATH whose `soffice` never finishes (and starts a helper), a private TMPDIR, files that need it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # the converter runs with a minimal environment (PATH, LANG, TMPDIR): the paths are written into the script
    (bin_dir / "soffice").write_text(FAKE_SOFFICE.format(pids=tmp_path / "pids", marker=tmp_path / "marker"))
    (bin_dir / "soffice").chmod(0o755)
    (tmp_path / "tmp").mkdir()
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "TMPDIR": str(tmp_path / "tmp"),
           "FAIRREVIEW_TEST_PIDS": str(tmp_path / "pids"), "FAIRREVIEW_TEST_MARKER": str(tmp_path / "marker")}
    yield env


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _works_file() -> bytes:
    """An OLE file without a WordDocument stream named .wps: only a converter could read it."""
    return (FIXTURE.parent / "policy-list.xls").read_bytes()


def test_a_converter_past_the_deadline_dies_with_its_helpers_and_its_copy(
        tmp_path: Path, stuck_converter: dict[str, str]) -> None:
    folder = _folder(tmp_path / "docs", ("works.wps", _works_file()))
    proc = subprocess.run([sys.executable, "-m", "fairreview", "scan", str(folder), "--timeout", "2", "--no-cache",
                           "--format", "jsonl"], env=stuck_converter, capture_output=True, timeout=120,
                          check=False)
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr
    lines = proc.stdout.decode("utf-8")
    assert timeout_message(2.0) in lines and lines.count('"verdict": "expired"') == 3
    time.sleep(3.5)  # past the moment the helper would have written the marker
    pids = [int(p) for p in Path(stuck_converter["FAIRREVIEW_TEST_PIDS"]).read_text().split()]
    assert pids and not any(_alive(p) for p in pids)
    assert not Path(stuck_converter["FAIRREVIEW_TEST_MARKER"]).exists()
    assert list(Path(stuck_converter["TMPDIR"]).iterdir()) == []  # the converter's copy is gone
