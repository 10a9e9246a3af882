"""Benchmarks of fairreview at district scale (run on demand; not part of the test suite).

    .venv/bin/python benchmarks/run.py                     # ../shared/corpus/regulations, all scenarios
    .venv/bin/python benchmarks/run.py --corpus DIR --repeat 10 --skip-profile

Every scenario is a new ``fairreview scan`` process (imports, rules and model load included), timed by wall
clock, with the peak RSS of its process tree measured two ways: the largest single process
(``getrusage(RUSAGE_CHILDREN)`` of a fresh wrapper process) and the sum over the tree, sampled from /proc
every 50 ms. A stage profile (in-process, one job, timers around each pipeline step) says where the time
goes. Results go to ``benchmarks/results/bench-<time>.{json,md}``; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "regulations"
AS_OF = "2026-11-27"

# The wrapper runs the scan as its child and reports the largest RSS of the child's process tree (Linux
# accumulates the maximum of waited-for descendants into RUSAGE_CHILDREN) and the child's wall time, from just
# before it is started to its end: neither the wrapper's own start nor the 50 ms steps of the memory sampling
# outside (which rounded a 0.15 s re-scan up to 0.2 s) count.
WRAPPER = (
    "import resource, subprocess, sys, json, time; t = time.perf_counter(); rc = subprocess.call(sys.argv[1:]); "
    "t = time.perf_counter() - t; print(json.dumps({'rc': rc, 'wall_s': t, "
    "'maxrss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))"
)


# -- measuring one process -------------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                out.extend(int(c) for c in fh.read().split())
    except OSError:
        pass
    return out


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process. PSS divides pages shared between processes (a model loaded before the
    workers were forked) among them, so summing it over a tree counts them once."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except (OSError, ValueError):
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        rss = pss = int(line.split()[1])
        except (OSError, ValueError):
            pass
    return rss, pss


def _tree_memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) summed over ``pid`` and its descendants (Linux /proc; follows the children lists)."""
    rss = pss = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        r, s = _memory_kb(p)
        rss, pss = rss + r, pss + s
        stack.extend(_children(p))
    return rss, pss


def measure(cmd: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT, sample: bool = True
            ) -> dict[str, Any]:
    """Wall time, exit code and peak memory of ``cmd`` run in a fresh process. ``sample``: read the process
    tree's memory from /proc every 50 ms (which costs the scan some CPU: timed runs do not sample)."""
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", WRAPPER, *cmd], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=cwd)
    peak_rss = peak_pss = 0
    sampling = sample and sys.platform.startswith("linux")
    while sampling and proc.poll() is None:
        rss, pss = _tree_memory_kb(proc.pid)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.05)
    outside = time.perf_counter() - start
    out, err = proc.communicate()
    info = json.loads(out.decode().strip().splitlines()[-1])
    return {
        "wall_s": round(info.get("wall_s", outside), 3),
        "rc": info["rc"],
        "peak_rss_process_mb": round(info["maxrss_kb"] / 1024, 1),
        "peak_rss_tree_mb": round(peak_rss / 1024, 1) if sampling else None,
        "peak_pss_tree_mb": round(peak_pss / 1024, 1) if sampling else None,
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "stderr_tail": err.decode(errors="replace").strip().splitlines()[-2:],
    }


def scan_cmd(python: str, paths: list[str], out: Path, *extra: str) -> list[str]:
    return [python, "-m", "fairreview", "scan", *paths, "--format", "json", "-o", str(out), "--as-of", AS_OF,
            "--no-decisions", "--quiet", *extra]


def report_stats(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    docs = data["documents"]
    return {"documents": len(docs), "chars": sum(d.get("chars") or 0 for d in docs), "summary": data["summary"]}


def comparable(path: Path, root: str | None = None) -> list[Any]:
    """The documents of a JSON report, for "identical across runs" (no time fields exist in it today)."""
    docs = json.loads(path.read_text(encoding="utf-8"))["documents"]
    return docs


def timed(run_once: Callable[[int], dict[str, Any]], times: int) -> dict[str, Any]:
    """One run that samples memory (``run_once(-1)``), then ``times`` runs that do not, for the time: the
    median of those is ``wall_s``; the sampled run's own time is ``wall_sampled_s``."""
    m = run_once(-1)
    m["wall_sampled_s"] = m["wall_s"]
    walls = [run_once(i)["wall_s"] for i in range(times)]
    if walls:
        m["wall_runs_s"] = walls
        m["wall_s"] = statistics.median(walls)
    return m


# -- the corpus repeated ------------------------------------------------------------------------------------
def repeated_corpus(corpus: Path, times: int, into: Path) -> Path:
    """``times`` copies of ``corpus`` in subfolders: hard links where possible (no disk cost), else copies."""
    root = into / f"x{times}"
    for i in range(times):
        dest = root / f"copy{i:02d}"
        dest.mkdir(parents=True)
        for src in sorted(corpus.rglob("*")):
            if src.is_dir() or any(part.startswith(".") for part in src.relative_to(corpus).parts):
                continue
            target = dest / src.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(src, target)
            except OSError:
                shutil.copy2(src, target)
    return root


# -- where the time goes ---------------------------------------------------------------------------------------
STAGES = [  # (module, attribute, stage): pipeline steps as pipeline.py calls them
    ("fairreview.pipeline", "extract", "read (bytes → text)"),
    ("fairreview.pipeline", "normalize", "normalise"),
    ("fairreview.pipeline", "parse", "structure"),
    ("fairreview.pipeline", "extract_meta", "meta (facts)"),
    ("fairreview.pipeline", "attach_precedents", "precedents"),
    ("fairreview.match.detectors", "run", "whole-document detectors (LG001)"),
    ("fairreview.pipeline", "sketch", "document sketch (review identity)"),
    ("fairreview.pipeline", "conclude", "conclude"),
    ("fairreview.pipeline", "load_segmenter", "token context: model load"),
]


def stage_profile(corpus: Path, code: Path = ROOT) -> dict[str, Any]:
    """One process, one job, no cache: CPU and wall seconds per pipeline step, by wrapping each step."""
    import importlib

    sys.path.insert(0, str(code))
    from fairreview import Settings
    from fairreview.batch import Runner
    from fairreview.match import segmenter as seg_mod
    from fairreview.report.render import render_json

    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def timed(fn: Any, stage: str) -> Any:
        def inner(*a: Any, **k: Any) -> Any:
            w, c = time.perf_counter(), time.process_time()
            try:
                return fn(*a, **k)
            finally:
                wall[stage] = wall.get(stage, 0.0) + time.perf_counter() - w
                cpu[stage] = cpu.get(stage, 0.0) + time.process_time() - c
        return inner

    restore: list[tuple[Any, str, Any]] = []
    for module, attr, stage in STAGES:
        mod = importlib.import_module(module)
        if hasattr(mod, attr):
            restore.append((mod, attr, getattr(mod, attr)))
            setattr(mod, attr, timed(getattr(mod, attr), stage))
    # documents are analysed in worker processes (their budgets); here, in this process, where the timers are
    from fairreview.batch import local

    restore.append((local, "can_start_workers", local.can_start_workers))
    local.can_start_workers = lambda: False  # type: ignore[assignment]
    restore.append((seg_mod.Segmenter, "spans", seg_mod.Segmenter.spans))
    seg_mod.Segmenter.spans = timed(seg_mod.Segmenter.spans, "token context (segmenter)")  # type: ignore[method-assign]
    try:
        w0, c0 = time.perf_counter(), time.process_time()
        runner = Runner(Settings(as_of=AS_OF))
        engine = timed(lambda: runner.engine, "engine build (rules, automaton)")()
        restore.append((engine.matcher, "match", engine.matcher.match))
        engine.matcher.match = timed(engine.matcher.match, "match (incl. token context)")  # type: ignore[method-assign]
        report = runner.scan([str(corpus)], jobs=1)
        timed(render_json, "report (JSON)")(report)
        total_wall, total_cpu = time.perf_counter() - w0, time.process_time() - c0
    finally:
        for obj, attr, value in reversed(restore):
            setattr(obj, attr, value)
    nested = ("token context (segmenter)", "token context: model load")  # both run inside match
    if "match (incl. token context)" in cpu:
        cpu["match (excl. token context)"] = cpu.pop("match (incl. token context)") - sum(
            cpu.get(k, 0.0) for k in nested)
        wall["match (excl. token context)"] = wall.pop("match (incl. token context)") - sum(
            wall.get(k, 0.0) for k in nested)
    cpu["other (read files, hash, orchestration)"] = total_cpu - sum(cpu.values())
    wall["other (read files, hash, orchestration)"] = total_wall - sum(wall.values())
    return {
        "documents": len(report.documents),
        "total_wall_s": round(total_wall, 2),
        "total_cpu_s": round(total_cpu, 2),
        "stages": {k: {"cpu_s": round(cpu[k], 3), "wall_s": round(wall.get(k, 0.0), 3),
                       "cpu_share": round(cpu[k] / total_cpu, 3) if total_cpu else 0.0}
                   for k in sorted(cpu, key=lambda s: -cpu[s])},
    }


FLOOR = ROOT.parent / "shared" / "bench" / "floor.py"


def _median(values: list[float]) -> float:
    values = sorted(values)
    return round(values[len(values) // 2], 3)


def floor_time(corpus: Path, repeat: int = 3) -> float | None:
    """``../shared/bench/floor.py``'s seconds (the median of ``repeat``): ratios are against this, same run."""
    if not FLOOR.is_file():
        return None
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, str(FLOOR), str(corpus)], capture_output=True, text=True, check=True)
        runs.append(float(out.stdout.strip().splitlines()[-1]))
    return _median(runs)


def _wall(cmd: list[str], env: dict[str, str] | None, cwd: Path, repeat: int = 7,
          before: Any = None) -> float:
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        t = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        runs.append(time.perf_counter() - t)
    return _median(runs)


def _rules_cache(python: str, env: dict[str, str] | None, work: Path) -> Path:
    """A cache that holds the compiled rules and nothing of the corpus: what a clerk's machine has when it
    scans a new folder after any earlier run (here: one scan of a file from outside the corpus)."""
    cache, other = work / "rules-only-cache", work / "other"
    other.mkdir(exist_ok=True)
    (other / "另一份文件.txt").write_text("第一条 本办法自发布之日起施行。\n", encoding="utf-8")
    cli = [python, "-m", "fairreview"]
    subprocess.run([*cli, "scan", str(other), "--cache-dir", str(cache), "--as-of", AS_OF, "-q"], cwd=work,
                   env=env, check=False)
    return cache


def tiny_jobs(python: str, corpus: Path, env: dict[str, str] | None, work: Path) -> dict[str, Any]:
    """``python3 -c pass``, ``fairreview --version`` and a one-file scan (a changed file each time, so it is
    analysed; and unchanged, so it comes from the cache): medians of several new processes."""
    script = Path(python).with_name("fairreview")
    cli = [str(script)] if script.is_file() and env is None else [python, "-m", "fairreview"]
    one = work / "one"
    one.mkdir(exist_ok=True)
    sample = next(p for p in sorted(corpus.rglob("*")) if p.is_file() and not p.name.startswith("."))
    target = one / f"one{sample.suffix}"
    text = sample.read_text(encoding="utf-8", errors="replace")
    counter = iter(range(10**6))

    def change() -> None:
        target.write_text(text + f"\n附：{next(counter)}\n", encoding="utf-8")

    change()
    cache_env = {**(env or os.environ), "FAIRREVIEW_CACHE_DIR": str(work / "one-cache")}
    scan = [*cli, "scan", str(target), "--as-of", AS_OF, "-q"]
    return {
        "python3_c_pass_s": _wall(["python3", "-c", "pass"], env, work),
        "python_c_pass_s": _wall([python, "-c", "pass"], env, work),
        "version_s": _wall([*cli, "--version"], env, work),
        "one_file_new_s": _wall(scan, cache_env, work, before=change),
        "one_file_unchanged_s": _wall(scan, cache_env, work),
        "one_file": sample.name,
    }


def import_time(python: str, env: dict[str, str] | None, cwd: Path) -> float:
    """Wall seconds of ``import fairreview.cli`` in a new process (the floor of every CLI run)."""
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([python, "-c", "import fairreview.cli"], check=True, cwd=cwd, env=env)
        best = min(best, time.perf_counter() - t)
    return round(best, 3)


# -- the machine -----------------------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 0
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    return {"cpu": cpu, "cores": cores, "memory_gb": mem, "python": platform.python_version(),
            "os": platform.platform(), "git_commit": commit or None, "load_at_start": os.getloadavg()}


def _prepare_code(snapshot: bool, work: Path, results: dict[str, Any]) -> dict[str, str] | None:
    """The code to measure (a frozen copy with ``snapshot``: on a shared checkout others' edits would
    invalidate the cache mid-run), with its bytecode; the environment that runs it (None: this one)."""
    env: dict[str, str] | None = None
    if snapshot:
        snap = work / "snapshot"
        shutil.copytree(ROOT / "fairreview", snap / "fairreview",
                        ignore=shutil.ignore_patterns("__pycache__"))
        if (ROOT / "lexicons").is_dir():
            shutil.copytree(ROOT / "lexicons", snap / "lexicons")
        env = {**os.environ, "PYTHONPATH": str(snap)}
        results["snapshot"] = True
    # An installed package has its bytecode (pip compiles it; an editable install writes it on first run). Where
    # PYTHONDONTWRITEBYTECODE is set, as in some sandboxes, every process would compile ~80 modules (≈75 ms)
    # that no user's machine compiles: compile them once, as the installation would.
    code = (work / "snapshot" if snapshot else ROOT) / "fairreview"
    results["bytecode_compiled"] = bool(compileall.compile_dir(str(code), quiet=1, workers=1))
    results["pythondontwritebytecode"] = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
    return env


def scan_scenarios(python: str, corpus: Path, env: dict[str, str] | None, work: Path, *, out: dict[str, Path],
                   jobs: list[str], rules_only: Path, times: int) -> dict[str, Any]:
    """The corpus scenarios, each timed by ``times`` runs (and one that samples memory)."""
    sc: dict[str, Any] = {}
    cache = work / "cache"

    def fresh(src: Path | None, name: str) -> Path:
        """A cache folder for one run: a copy of ``src`` (or empty), so every run starts as the first."""
        dst = work / name
        shutil.rmtree(dst, ignore_errors=True)
        if src is not None:
            shutil.copytree(src, dst)
        return dst

    # (name, extra options for run i, what); the last cold_cache run's folder is the re-scan's cache
    steps: list[tuple[str, Callable[[int], list[str]], str]] = [
        ("cold", lambda i: ["--no-cache", *jobs], "cold scan, new process, no cache"),
        ("cold_rules", lambda i: ["--cache-dir", str(fresh(rules_only, f"rules-{i}")), *jobs],
         "cold scan of documents never analysed, the rules compiled by an earlier run"),
        ("cold_cache", lambda i: ["--cache-dir", str(fresh(None, "cache")), *jobs], "cold scan writing the cache"),
        ("rescan", lambda i: ["--cache-dir", str(cache), *jobs], "re-scan of the unchanged corpus"),
        ("jobs1", lambda i: ["--no-cache", "--jobs", "1"], "cold scan, one process"),
    ]
    for name, extra, what in steps:
        print(f"{name}: {what} …", file=sys.stderr)

        def once(i: int, name: str = name, extra: Callable[[int], list[str]] = extra) -> dict[str, Any]:
            return measure(scan_cmd(python, [str(corpus)], out[name], *extra(i)), env, work, sample=i < 0)

        m = timed(once, times)
        m.update(report_stats(out[name]), what=what)
        m["docs_per_s"] = round(m["documents"] / m["wall_s"], 1)
        m["chars_per_s"] = round(m["chars"] / m["wall_s"])
        sc[name] = m
    return sc


# -- the run ---------------------------------------------------------------------------------------------------
def run(args: argparse.Namespace) -> dict[str, Any]:
    corpus = Path(args.corpus).resolve()
    python = args.python
    work = Path(tempfile.mkdtemp(prefix="fairreview-bench-"))
    results: dict[str, Any] = {"machine": machine(), "corpus": str(corpus), "started": dt.datetime.now().isoformat(
        timespec="seconds"), "scenarios": {}}
    sc = results["scenarios"]
    out = {name: work / f"{name}.json" for name in ("cold", "cold_rules", "cold_cache", "rescan", "jobs1", "xN")}
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    env = _prepare_code(args.snapshot, work, results)
    # Scans run from the work folder: no fairreview.toml of the checkout applies, and -m finds the snapshot.
    try:
        print("import time …", file=sys.stderr)
        results["import_fairreview_cli_s"] = import_time(python, env, work)
        print("floor, python start-up, --version, one file …", file=sys.stderr)
        results["floor_s"] = floor_time(corpus)
        results["tiny"] = tiny_jobs(python, corpus, env, work)
        rules_only = _rules_cache(python, env, work)
        sc.update(scan_scenarios(python, corpus, env, work, out=out, jobs=jobs, rules_only=rules_only,
                                 times=args.times))
        base_docs = comparable(out["cold"])
        results["identical"] = {name: comparable(out[name]) == base_docs
                                for name in ("cold_rules", "cold_cache", "rescan", "jobs1")}
        if args.repeat > 1:
            print(f"x{args.repeat}: building the repeated corpus …", file=sys.stderr)
            big = repeated_corpus(corpus, args.repeat, work)
            print(f"x{args.repeat}: cold scan …", file=sys.stderr)
            m = measure(scan_cmd(python, [str(big)], out["xN"], "--no-cache", *jobs), env, work)
            m.update(report_stats(out["xN"]), what=f"cold scan of the corpus repeated {args.repeat}×, no cache")
            m["docs_per_s"] = round(m["documents"] / m["wall_s"], 1)
            m["chars_per_s"] = round(m["chars"] / m["wall_s"])
            sc[f"x{args.repeat}"] = m
            results["linearity"] = {
                "repeat": args.repeat,
                # both sampled once: the same conditions (the repeated corpus is scanned once, it takes long)
            "time_ratio": round(m["wall_s"] / sc["cold"]["wall_sampled_s"], 2),
                "pss_tree_ratio": round((m["peak_pss_tree_mb"] or 0) / (sc["cold"]["peak_pss_tree_mb"] or 1), 2),
                "rss_process_ratio": round(m["peak_rss_process_mb"] / sc["cold"]["peak_rss_process_mb"], 2),
            }
        if not args.skip_profile:
            print("stage profile (in-process, one job) …", file=sys.stderr)
            results["profile"] = stage_profile(corpus, work / "snapshot" if args.snapshot else ROOT)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["floor_end_s"] = floor_time(corpus)
    results["machine"]["load_at_end"] = os.getloadavg()
    results["targets"] = targets(results, args.repeat)
    return results


def targets(r: dict[str, Any], repeat: int) -> dict[str, Any]:
    sc = r["scenarios"]
    peak = max((s.get("peak_pss_tree_mb") or s["peak_rss_process_mb"]) for s in sc.values())
    out = {
        "cold ≤ 10 s": [sc["cold"]["wall_s"], sc["cold"]["wall_s"] <= 10],
        "re-scan ≤ 1 s": [sc["rescan"]["wall_s"], sc["rescan"]["wall_s"] <= 1],
        "peak memory (PSS of the tree) ≤ 1.5 GB": [peak, peak <= 1536],
        "reports identical": [r.get("identical"), all(r.get("identical", {}).values())],
    }
    if "linearity" in r:
        ratio = r["linearity"]["time_ratio"]
        out[f"{repeat}× corpus ≤ {repeat + 1}× time"] = [ratio, ratio <= repeat + 1]
    floors = [f for f in (r.get("floor_s"), r.get("floor_end_s")) if f]
    if floors:  # issue 15: ratios against the floor measured in the same run (the mean of start and end)
        floor = sum(floors) / len(floors)
        for name, limit in (("cold", 8), ("cold_rules", 8), ("jobs1", 14), ("rescan", 1.2)):
            ratio = round(sc[name]["wall_s"] / floor, 2)
            out[f"{name} ≤ {limit}× floor ({floor:.3f} s)"] = [ratio, ratio <= limit]
    largest = max(s["peak_rss_process_mb"] for s in sc.values())
    tree = sc["cold"]["peak_rss_tree_mb"]
    if tree is not None:
        out["cold: peak RSS of the tree ≤ 300 MB"] = [tree, tree <= 300]
    out["largest process ≤ 150 MB"] = [largest, largest <= 150]
    tiny = r.get("tiny")
    if tiny:
        for base in ("python3_c_pass_s", "python_c_pass_s"):
            one = round(tiny["one_file_new_s"] / tiny[base], 1)
            ver = round(tiny["version_s"] / tiny[base], 1)
            out[f"one new file ≤ 8× {base[:-2]}"] = [one, one <= 8]
            out[f"--version ≤ 4× {base[:-2]}"] = [ver, ver <= 4]
    return out


def markdown(r: dict[str, Any]) -> str:
    m = r["machine"]
    lines = [
        f"# fairreview benchmark — {r['started']}",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, Python {m['python']}, {m['os']}; "
        f"commit {m['git_commit']}; load average at start {m['load_at_start'][0]:.2f}, "
        f"at end {m['load_at_end'][0]:.2f} (other work on the machine makes every number worse).",
        f"Corpus: `{r['corpus']}`. `import fairreview.cli` alone: {r['import_fairreview_cli_s']} s. "
        f"Floor (`../shared/bench/floor.py`, median of 3): {r.get('floor_s')} s at the start, "
        f"{r.get('floor_end_s')} s at the end.",
        "" if not r.get("tiny") else (
            "Tiny jobs (medians of 7 new processes): `python3 -c pass` {python3_c_pass_s} s, `python -c pass` "
            "{python_c_pass_s} s, `fairreview --version` {version_s} s, `fairreview scan` of one new file "
            "({one_file}) {one_file_new_s} s, of the same file unchanged {one_file_unchanged_s} s.".format(**r["tiny"])),
        "",
        "Wall s: the median of the timed runs (each listed after it); the memory columns come from one more run that "
        "samples /proc every 50 ms (its own time is not counted: the sampling costs the scan CPU).",
        "",
        "| scenario | docs | chars | wall s | docs/s | chars/s | peak PSS tree MB | peak RSS tree MB "
        "| largest process MB | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, s in r["scenarios"].items():
        runs = f" ({', '.join(f'{w:.2f}' for w in s['wall_runs_s'])})" if s.get("wall_runs_s") else ""
        lines.append(
            f"| {name}: {s['what']} | {s['documents']} | {s['chars']:,} | {s['wall_s']}{runs} | {s['docs_per_s']} | "
            f"{s['chars_per_s']:,} | {s['peak_pss_tree_mb']} | {s['peak_rss_tree_mb']} | {s['peak_rss_process_mb']} | "
            f"{s['load_before']}→{s['load_after']} |"
        )
    if "linearity" in r:
        lin = r["linearity"]
        lines += ["", f"Linear growth: {lin['repeat']}× the documents took {lin['time_ratio']}× the time; peak PSS "
                  f"of the tree {lin['pss_tree_ratio']}×, RSS of the largest process {lin['rss_process_ratio']}×."]
    lines += ["", "Targets:", ""]
    for k, (value, ok) in r["targets"].items():
        lines.append(f"- {k}: {value} — {'ok' if ok else 'NOT MET'}")
    if "profile" in r:
        p = r["profile"]
        lines += ["", f"Where the time goes (one process, one job, no cache: {p['documents']} documents, "
                  f"{p['total_wall_s']} s wall, {p['total_cpu_s']} s CPU):", "",
                  "| stage | CPU s | share | wall s |", "|---|---:|---:|---:|"]
        for k, v in p["stages"].items():
            lines.append(f"| {k} | {v['cpu_s']} | {v['cpu_share']:.0%} | {v['wall_s']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--repeat", type=int, default=10, help="the linear-growth scenario (1 to skip)")
    ap.add_argument("--times", type=int, default=3,
                    help="timed runs of each scenario besides the one that samples memory (their median is the time)")
    ap.add_argument("--jobs", type=int, default=None, help="--jobs for the scans (default: fairreview's default)")
    ap.add_argument("--python", default=sys.executable, help="the interpreter with fairreview installed")
    ap.add_argument("--skip-profile", action="store_true")
    ap.add_argument("--snapshot", action="store_true",
                    help="run a frozen copy of fairreview/ (for a checkout others are editing)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    args = ap.parse_args()
    if not Path(args.corpus).is_dir():
        sys.exit(f"corpus not found: {args.corpus}")
    results = run(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (out / f"bench-{stamp}.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    md = markdown(results)
    (out / f"bench-{stamp}.md").write_text(md, encoding="utf-8")
    print(md)


if __name__ == "__main__":
    main()
