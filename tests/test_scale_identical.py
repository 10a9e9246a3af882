"""The report does not depend on how a scan ran: --jobs 1 / 2, uncached / cached (cold, warm), Dask."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fairreview import Settings, scan_paths
from fairreview.batch import Runner, local, runner
from fairreview.batch.budget import crash_message
from fairreview.batch.local import Failure
from fairreview.batch.work import Outcome, Task
from fairreview.cli import main
from fairreview.model import Report
from fairreview.read import registry
from fairreview.report.render import render_json

FIXTURES = Path(__file__).resolve().parent / "fixtures"
AS_OF = "2026-11-27"

# Shapes of violations from the legal text (条例 Art. 8–10), written for this test: not dev-set sentences.
CLAUSES = [
    "第三条 本市政府采购项目限定本地注册的企业参加投标。",
    "第四条 外地企业在本市设立分支机构的，须在本市缴纳全部税收。",
    "第五条 对本地企业给予财政奖励，外地企业不享受。",
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real policy texts, a few hand-made ones with findings and an expiry date, and files that fail."""
    root = tmp_path_factory.mktemp("scale")
    (root / "real").mkdir()
    for src in sorted((FIXTURES / "policies").glob("*.txt")):
        shutil.copy(src, root / "real" / src.name)
    for name in ("notice.docx", "notice.html", "notice.txt"):
        shutil.copy(FIXTURES / "formats" / name, root / "real" / name)
    made = root / "made" / "nested"
    made.mkdir(parents=True)
    for i in range(14):
        body = "\n".join(CLAUSES[: 1 + i % 3])
        (made / f"办法{i:02d}.txt").write_text(
            f"某某市促进产业发展若干措施（第{i}号）\n第一条 为促进发展，制定本措施。\n{body}\n"
            f"第九条 本措施自2024年1月1日起施行，有效期至2025年12月31日。\n",
            encoding="utf-8",
        )
    (root / "made" / "empty.txt").write_bytes(b"")
    (root / "made" / "binary.txt").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    (root / "made" / "notes.xyz").write_text("不支持的格式", encoding="utf-8")
    return root


def _json(report: Report) -> dict[str, Any]:
    return json.loads(render_json(report))


@pytest.fixture(scope="module")
def reference(folder: Path) -> dict:
    return _json(scan_paths([str(folder)], Settings(as_of=AS_OF), jobs=1))


def test_the_folder_exercises_findings_errors_and_expiry(reference: dict) -> None:
    verdicts = {d["verdict"] for d in reference["documents"]}
    assert {"error", "expired"} <= verdicts
    assert any(d["findings"] for d in reference["documents"])
    assert len(reference["documents"]) >= 25


def test_two_processes_give_the_same_report(folder: Path, reference: dict,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "MIN_DOCS_PER_JOB", 1)  # make sure the pool really runs on a small folder
    seen: list[int] = []
    real_pool = Runner._pool

    def spy(self: Runner, order: list[Task], workers: int) -> Iterator[tuple[Task, Outcome | Failure]]:
        seen.append(workers)
        return real_pool(self, order, workers)

    monkeypatch.setattr(Runner, "_pool", spy)
    assert _json(scan_paths([str(folder)], Settings(as_of=AS_OF), jobs=2)) == reference
    assert seen == [2]


def test_cold_and_warm_cache_give_the_same_report(folder: Path, reference: dict, tmp_path: Path) -> None:
    settings = Settings(as_of=AS_OF)
    with Runner(settings, cache_dir=tmp_path) as cold:
        assert _json(cold.scan([str(folder)], jobs=2)) == reference
        assert cold.store is not None and cold.store.hits == 0
    with Runner(settings, cache_dir=tmp_path) as warm:
        assert _json(warm.scan([str(folder)], jobs=2)) == reference
        assert warm.store is not None and warm.store.misses == 0
        # unreadable files are not cached (read errors may be transient), everything else is
        assert warm.store.hits == sum(1 for d in reference["documents"] if d["sha256"])


def test_the_cli_report_is_the_same_for_jobs_and_cache(folder: Path, reference: dict, tmp_path: Path) -> None:
    outs = []
    for extra in (["--jobs", "1", "--no-cache"], ["--jobs", "2", "--cache-dir", str(tmp_path)],
                  ["--jobs", "2", "--cache-dir", str(tmp_path)]):
        out = tmp_path / "out.json"
        res = CliRunner().invoke(main, ["scan", str(folder), "--format", "json", "--as-of", AS_OF,
                                        "--no-decisions", "-o", str(out), *extra])
        assert res.exit_code == 1, res.output  # findings
        outs.append(json.loads(out.read_text(encoding="utf-8")))
    assert outs[0] == outs[1] == outs[2]
    assert [d["path"] for d in outs[0]["documents"]] == [d["path"] for d in reference["documents"]]


def test_dask_cluster_gives_the_same_report(folder: Path, reference: dict) -> None:
    """Worker *processes*: the rules, the settings and the results cross process boundaries (pickled)."""
    distributed = pytest.importorskip("distributed", reason="Dask is optional: pip install 'fairreview[dask]'")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  death_timeout=60) as cluster, distributed.Client(cluster, timeout=60) as client:
        report = scan_paths([str(folder)], Settings(as_of=AS_OF), dask_client=client)
        pids = set(client.run(os.getpid).values())
    assert _json(report) == reference
    assert len(pids) == 2 and os.getpid() not in pids  # the work really ran in other processes


def test_a_document_that_kills_its_worker_is_reported_and_the_scan_goes_on(
        folder: Path, reference: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if local.start_method() != "fork":
        pytest.skip("the crashing reader is registered in this process; only forked workers inherit it")

    def crash(data: bytes, name: str) -> None:
        os._exit(70)  # what a segfault in a native reader library looks like from the parent

    monkeypatch.setitem(registry.READERS, ".crash", crash)
    monkeypatch.setattr(runner, "MIN_DOCS_PER_JOB", 1)
    bad = tmp_path / "zz-bad.crash"
    bad.write_bytes(b"anything")
    report = _json(scan_paths([str(folder), str(bad)], Settings(as_of=AS_OF), jobs=2))
    *others, last = report["documents"]
    assert last["path"] == str(bad) and last["verdict"] == "error" and last["error"] == crash_message(70, 1024)
    assert others == reference["documents"]


def test_a_document_past_its_time_on_dask_is_reported_and_its_batch_goes_on(
        folder: Path, reference: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Dask task runs in a worker's thread, which no signal stops: the analysis waits in a thread of its own,
    the document is reported at its deadline, and the documents of its batch not yet begun are sent again."""
    import threading

    from fairreview.batch.budget import timeout_message
    from fairreview.settings import Budget

    distributed = pytest.importorskip("distributed", reason="Dask is optional: pip install 'fairreview[dask]'")
    release = threading.Event()
    real = registry.READERS[".txt"]

    def stuck(data: bytes, name: str) -> Any:
        release.wait(120)  # then a text, which only a run without a deadline would get back
        return real(data, name)

    monkeypatch.setitem(registry.READERS, ".stuck", stuck)  # a cluster of threads shares this process
    bad = tmp_path / "first" / "00-bad.stuck"
    bad.parent.mkdir()
    bad.write_bytes("第一条 本办法自发布之日起施行。".encode())
    settings = Settings(as_of=AS_OF, budget=Budget(timeout_s=3.0))
    try:
        with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
                                      ) as cluster, distributed.Client(cluster, timeout=60) as client:
            report = _json(scan_paths([str(bad.parent), str(folder)], settings, dask_client=client))
    finally:
        release.set()
    first, *others = report["documents"]
    assert first["path"] == str(bad) and first["verdict"] == "error" and first["error"] == timeout_message(3.0)
    assert others == reference["documents"]  # the rest of its batch was analysed all the same


def _crash(data: bytes, name: str) -> None:
    os._exit(70)  # what a segfault in a native reader library looks like


def _as_worker_plugin(distributed: Any, plugin: Any) -> Any:
    """``plugin`` as a subclass of Dask's WorkerPlugin (optional dependency, so not a base class here)."""
    cls = type("CrashingReaderPlugin", (distributed.WorkerPlugin,), {"setup": type(plugin).setup, "name": plugin.name})
    return cls()


class _CrashingReader:
    """A worker plugin (a fresh worker gets it too): the reader of .crash files dies as a native crash does."""

    name = "fairreview-test-crashing-reader"

    def setup(self, worker: Any) -> None:
        registry.READERS[".crash"] = _crash  # type: ignore[assignment]  # it never returns


def test_a_document_that_kills_its_dask_worker_is_reported_and_the_scan_goes_on(
        folder: Path, reference: dict, tmp_path: Path) -> None:
    """Its batch is sent again one document at a time; the document whose worker dies alone is reported."""
    distributed = pytest.importorskip("distributed", reason="Dask is optional: pip install 'fairreview[dask]'")
    import dask

    from fairreview.batch.cluster import WORKER_DIED

    bad = tmp_path / "first" / "00-bad.crash"
    bad.parent.mkdir()
    bad.write_bytes(b"anything")
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None, death_timeout=60
            ) as cluster, distributed.Client(cluster, timeout=60) as client:
        client.register_plugin(_as_worker_plugin(distributed, _CrashingReader()))
        report = _json(scan_paths([str(bad.parent), str(folder)], Settings(as_of=AS_OF), dask_client=client))
    first, *others = report["documents"]
    assert first["path"] == str(bad) and first["verdict"] == "error" and first["error"] == WORKER_DIED
    assert others == reference["documents"]


def test_two_scans_at_once_on_one_dask_cluster_keep_their_own_rules(folder: Path) -> None:
    """Two analysts' runs on one cluster: each run's rules reach the workers under its own name."""
    from concurrent.futures import ThreadPoolExecutor

    distributed = pytest.importorskip("distributed", reason="Dask is optional: pip install 'fairreview[dask]'")
    selections = [Settings(as_of=AS_OF, select=("ME",)), Settings(as_of=AS_OF, select=("FL", "CO"))]
    local_reports = [_json(scan_paths([str(folder)], s)) for s in selections]
    assert local_reports[0] != local_reports[1]  # the selections give different reports
    with distributed.LocalCluster(n_workers=2, threads_per_worker=2, processes=False, dashboard_address=None
                                  ) as cluster, distributed.Client(cluster, timeout=60) as client, \
            ThreadPoolExecutor(2) as pool:
        runs = [pool.submit(scan_paths, [str(folder)], s, dask_client=client) for s in selections]
        dask_reports = [_json(r.result(timeout=300)) for r in runs]
    assert dask_reports == local_reports
