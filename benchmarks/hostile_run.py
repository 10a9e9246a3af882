#!/usr/bin/env python3
"""The hostile archive of issue 12, at size: 10,000 files — mutated fixtures (bit flips, overwrites, truncation,
wrong extensions, zip members, PDF structure, encodings and control characters), random bytes, files of a few
characters, hostile names (GBK bytes, escape sequences, ``=`` formulas) and the bombs — scanned by one real
``fairreview scan`` process, then checked:

- every file accounted for (one document per file, by its exact name bytes), the run exits 0 or 1;
- no traceback on stderr, no "内部错误" (a reader bug caught), every error message in Chinese;
- no hang: the run ends (it is killed after ``--limit`` seconds), and how many documents hit the deadline;
- no garbage (random bytes, fewer than 20 characters) concluded 保留, and no 保留 with fewer than 20 characters;
- the bombs end as errors within the budget;
- peak memory of any process ≤ 1 GB (the largest process of the tree, ``getrusage(RUSAGE_CHILDREN)`` of a fresh
  wrapper, and a /proc sample of every process every 50 ms).

    .venv/bin/python benchmarks/hostile_run.py                       # 10,000 files, a random seed (printed)
    .venv/bin/python benchmarks/hostile_run.py --files 2000 --seed 7 --jobs 2

Writes ``benchmarks/results/hostile-<time>.json`` (numbers, the failures found, the error messages by frequency).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile_files import Made, hostile_corpus, judge  # noqa: E402
from run import WRAPPER, _children, _memory_kb  # noqa: E402

GB = 1024 * 1024  # in KB


def _sample(pid: int, peaks: dict[int, int]) -> int:
    """RSS (KB) of every process of the tree now; the per-process peaks are updated. Returns the tree's sum."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        rss, _pss = _memory_kb(p)
        peaks[p] = max(peaks.get(p, 0), rss)
        total += rss
        stack.extend(_children(p))
    return total


def scan(folder: Path, out: Path, jobs: int, limit: float) -> dict[str, Any]:
    cmd = [sys.executable, "-c", WRAPPER, sys.executable, "-m", "fairreview", "scan", str(folder), "--format", "jsonl",
           "-o", str(out), "--no-cache", "--no-decisions", "-q", "--jobs", str(jobs)]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=folder)
    peaks: dict[int, int] = {}
    peak_tree = 0
    hung = False
    while proc.poll() is None:
        peak_tree = max(peak_tree, _sample(proc.pid, peaks))
        if time.monotonic() - start > limit:
            hung = True
            proc.kill()
            break
        time.sleep(0.05)
    stdout, stderr = proc.communicate()
    wall = time.monotonic() - start
    info = json.loads(stdout.decode().strip().splitlines()[-1]) if not hung else {"rc": None, "maxrss_kb": 0}
    peaks.pop(proc.pid, None)  # the wrapper itself
    return {"wall_s": round(wall, 1), "rc": info["rc"], "hung": hung, "stderr": stderr.decode("utf-8", "replace"),
            "largest_process_mb": round(max(info["maxrss_kb"], max(peaks.values(), default=0)) / 1024, 1),
            "largest_process_rusage_mb": round(info["maxrss_kb"] / 1024, 1),
            "largest_process_sampled_mb": round(max(peaks.values(), default=0) / 1024, 1),
            "peak_tree_rss_mb": round(peak_tree / 1024, 1), "processes_seen": len(peaks)}


def check(made: dict[str, Made], report: Path, run: dict[str, Any]) -> dict[str, Any]:
    lines = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()] if report.exists() else []
    verdicts = judge(made, [d for d in lines if d.get("type") == "document"])
    failures = verdicts.failures()
    if run["hung"] or run["rc"] not in (0, 1):
        failures.append(f"the run ended with rc={run['rc']} hung={run['hung']}")
    if "Traceback" in run["stderr"]:
        failures.append("a traceback on stderr")
    if run["largest_process_mb"] > 1024:
        failures.append(f"a process used {run['largest_process_mb']} MB")
    return {**vars(verdicts), "kinds": collections.Counter(m.kind for m in made.values()),
            "error_shapes": verdicts.error_shapes.most_common(60), "failures": failures}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--limit", type=float, default=4 * 3600, help="seconds after which the run counts as hung")
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else secrets.randbelow(2**32)
    print(f"seed {seed} (replay with --seed {seed})", flush=True)
    work = Path(tempfile.mkdtemp(prefix="fairreview-hostile-"))
    try:
        t0 = time.monotonic()
        made = hostile_corpus(work / "archive", args.files, seed)
        generated = time.monotonic() - t0
        print(f"generated {len(made)} files in {generated:.0f} s; scanning with --jobs {args.jobs} …", flush=True)
        run = scan(work / "archive", work / "report.jsonl", args.jobs, args.limit)
        result = check(made, work / "report.jsonl", run)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    run["stderr"] = run["stderr"][-4000:]
    summary = {"seed": seed, "jobs": args.jobs, "generated_s": round(generated, 1), "run": run, **result,
               "when": dt.datetime.now().isoformat(timespec="seconds"), "load_after": os.getloadavg()[0]}
    out_dir = ROOT / "benchmarks" / "results"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / f"hostile-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    _print(summary, out)
    sys.exit(1 if result["failures"] else 0)


def _print(s: dict[str, Any], out: Path) -> None:
    run = s["run"]
    print(f"files {s['files']} · documents {s['documents']} · kinds {dict(s['kinds'])}")
    print(f"wall {run['wall_s']} s (--jobs {s['jobs']}) · rc {run['rc']} · hung {run['hung']} · "
          f"traceback {'Traceback' in run['stderr']}")
    print(f"verdicts {dict(s['verdicts'])}")
    print(f"garbage concluded 保留: {len(s['retained_garbage'])} · internal errors: {len(s['internal_errors'])} · "
          f"errors without Chinese: {len(s['errors_without_chinese'])} · deadline hit: {len(s['timeouts'])} · "
          f"longest error {s['longest_error']} characters · errors with English text: {len(s['english_text'])}")
    for b in s["bombs"]:
        print(f"bomb: {b['what']}: {b['verdict']} — {b['error'][:90]}")
    print(f"largest process {run['largest_process_mb']} MB (rusage {run['largest_process_rusage_mb']}, sampled "
          f"{run['largest_process_sampled_mb']}) · peak tree RSS {run['peak_tree_rss_mb']} MB · "
          f"{run['processes_seen']} processes seen")
    print("FAILURES:\n  " + "\n  ".join(s["failures"]) if s["failures"] else "all checks passed")
    print(f"details: {out}")


if __name__ == "__main__":
    main()
