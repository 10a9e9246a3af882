"""The corpus repeated N times on a Dask cluster of separate worker processes, against local ``--jobs``.

    .venv/bin/python benchmarks/dask_bench.py                       # 10× the regulations, 2 workers
    .venv/bin/python benchmarks/dask_bench.py --repeat 3 --workers 2

The cluster is a ``distributed.LocalCluster`` with ``processes=True``: a scheduler and N worker processes
(one thread each) that talk to the scan over TCP, as ``dask scheduler`` + ``dask worker --nworkers N`` on
other hosts would. The scan is a new ``fairreview scan … --dask tcp://…`` process (the client: it reads
and hashes every file and ships the bytes). Same report as the local run is checked document by document.
The floor (``../shared/bench/floor.py``) is timed in the same run, over the same repeated folder. Results
go to ``benchmarks/results/dask-<time>.{json,md}``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (the benchmark helpers beside this file)

FLOOR = run.ROOT.parent / "shared" / "bench" / "floor.py"


def floor_seconds(folder: Path) -> float | None:
    if not FLOOR.is_file():
        return None
    out = subprocess.run([sys.executable, str(FLOOR), str(folder)], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def _tree_pids(pid: int) -> list[int]:
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        stack.extend(run._children(p))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(run.DEFAULT_CORPUS))
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--out", default=str(run.ROOT / "benchmarks" / "results"))
    args = ap.parse_args()
    from distributed import LocalCluster  # fairreview[dask]

    work = Path(tempfile.mkdtemp(prefix="fairreview-dask-bench-"))
    results: dict[str, Any] = {"machine": run.machine(), "repeat": args.repeat, "workers": args.workers,
                               "started": dt.datetime.now().isoformat(timespec="seconds")}
    try:
        big = run.repeated_corpus(Path(args.corpus).resolve(), args.repeat, work)
        results["floor_s"] = floor_seconds(big)
        local_out, dask_out = work / "local.json", work / "dask.json"
        print(f"local --jobs {args.workers} …", file=sys.stderr)
        results["local"] = run.measure(run.scan_cmd(args.python, [str(big)], local_out, "--no-cache", "--jobs",
                                                     str(args.workers)), None, work)
        print(f"Dask: scheduler + {args.workers} worker processes …", file=sys.stderr)
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                          dashboard_address=None, silence_logs=40) as cluster:
            start = time.perf_counter()
            cluster.wait_for_workers(args.workers)
            results["cluster_start_s"] = round(time.perf_counter() - start, 2)
            worker_pids = [p for w in cluster.workers.values() for p in _tree_pids(w.process.pid)]
            before = {p: run._memory_kb(p)[0] for p in worker_pids}
            results["dask"] = run.measure(run.scan_cmd(args.python, [str(big)], dask_out, "--no-cache", "--dask",
                                                       cluster.scheduler_address), None, work)
            after = {p: run._memory_kb(p)[0] for p in worker_pids}
            results["dask"]["workers_rss_mb_after"] = round(sum(after.values()) / 1024, 1)
            results["dask"]["workers_rss_mb_before"] = round(sum(before.values()) / 1024, 1)
        local_docs, dask_docs = run.comparable(local_out), run.comparable(dask_out)
        results["documents"] = len(local_docs)
        results["identical"] = local_docs == dask_docs
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["machine"]["load_at_end"] = os.getloadavg()
    md = markdown(results)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (out / f"dask-{stamp}.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / f"dask-{stamp}.md").write_text(md, encoding="utf-8")
    print(md)


def markdown(r: dict[str, Any]) -> str:
    floor = r.get("floor_s")
    m = r["machine"]

    def ratio(s: float) -> str:
        return f"{s / floor:.1f}×" if floor else "–"

    lines = [
        f"# Dask vs local — {r['started']}",
        "",
        f"{r['documents']} documents ({r['repeat']}× the corpus), {r['workers']} worker processes; {m['cpu']}, "
        f"{m['cores']} cores; load average {m['load_at_start'][0]:.2f} → {m['load_at_end'][0]:.2f}. "
        f"Floor (`floor.py`, same folder): {floor} s. Cluster start: {r.get('cluster_start_s')} s (not in the scan).",
        "",
        "| run | wall s | × floor | docs/s | peak RSS tree MB (scan process) | largest process MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in ("local", "dask"):
        s = r[name]
        lines.append(f"| {name} | {s['wall_s']} | {ratio(s['wall_s'])} | {r['documents'] / s['wall_s']:.0f} | "
                     f"{s['peak_rss_tree_mb']} | {s['peak_rss_process_mb']} |")
    d = r["dask"]
    lines += ["", f"Dask worker processes: {d['workers_rss_mb_before']} MB RSS before the scan, "
              f"{d['workers_rss_mb_after']} MB after (they keep the Engine for the next run).",
              f"Reports identical: {r['identical']}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
