"""A hostile archive in small (issue 12, item 10; benchmarks/hostile_run.py runs 10,000 files): mutated fixtures of
every format (bit flips, truncation, wrong extensions, zip members, PDF structure, encodings, control characters),
random bytes, files of a few characters and hostile names, from the run's fuzz seed, through one real
`fairreview scan --jobs 2`: every file accounted for, no traceback, no internal error, every error in Chinese, no
garbage concluded 保留, JSON valid UTF-8."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hostile_files import hostile_corpus, judge

FILES = 400


def test_a_hostile_archive_is_accounted_for_and_no_garbage_is_retained(tmp_path: Path, fuzz_seed: int) -> None:
    made = hostile_corpus(tmp_path / "archive", FILES, fuzz_seed, with_bombs=False)
    proc = subprocess.run([sys.executable, "-m", "fairreview", "scan", str(tmp_path / "archive"), "--format", "jsonl",
                           "--no-cache", "--no-decisions", "--jobs", "2"], cwd=tmp_path, capture_output=True,
                          timeout=600, check=False)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode in (0, 1), stderr
    assert "Traceback" not in stderr, stderr
    lines = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    verdicts = judge(made, [d for d in lines if d["type"] == "document"])
    assert verdicts.failures() == []
    assert verdicts.documents == FILES and sum(verdicts.verdicts.values()) == FILES
    assert lines[-1]["type"] == "summary" and lines[-1]["summary"]["documents"] == FILES
    # the archive is hostile enough: most files are refused, some still read
    assert verdicts.verdicts["error"] > FILES // 2 and verdicts.verdicts["error"] < FILES
