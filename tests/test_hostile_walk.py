"""The folder walk on hostile trees (issue 12, items 4 and 5): no depth limit, symbolic links out of the scanned
folders reported and not followed unless --follow-links, and the walk order of a recursive walk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from fairreview import Settings, scan_paths
from fairreview.read.files import walk

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "formats" / "notice.txt"
OUTSIDE = "未读取；确需排查时加 --follow-links"


def scan_json(*args: str, cwd: Path) -> tuple[int, dict]:
    proc = subprocess.run([sys.executable, "-m", "fairreview", "scan", *args, "--no-cache", "--format", "json"],
                          cwd=cwd, capture_output=True, timeout=300, check=False)
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()
    return proc.returncode, json.loads(proc.stdout.decode("utf-8"))


@pytest.fixture
def deep(tmp_path: Path) -> Iterator[Path]:
    """docs/d/d/…/d, 1,000 levels, made and removed one level at a time (mkdir(parents=True), shutil.rmtree and
    pytest's clean-up of old temporary folders all recurse)."""
    top = tmp_path / "docs"
    top.mkdir()
    levels = [top]
    for _ in range(1000):
        levels.append(levels[-1] / "d")
        levels[-1].mkdir()
    yield levels[-1]
    for level in reversed(levels):
        for child in level.iterdir():
            if not child.is_dir():
                child.unlink()
        level.rmdir()


def test_a_folder_nested_1000_deep_is_walked_and_reported(tmp_path: Path, deep: Path) -> None:
    (deep / "notice.txt").write_bytes(FIXTURE.read_bytes())
    (tmp_path / "docs" / "top.txt").write_bytes(FIXTURE.read_bytes())
    code, report = scan_json("docs", cwd=tmp_path)
    assert code == 1
    paths = [d["path"] for d in report["documents"]]
    assert len(paths) == 2 and paths[0].count("/d") == 1000 and paths[1] == "docs/top.txt"
    assert all(d["verdict"] == "expired" for d in report["documents"])  # both read and analysed


def test_links_out_of_the_folder_are_reported_not_followed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_bytes(FIXTURE.read_bytes())
    (docs / "own.txt").write_bytes(FIXTURE.read_bytes())
    (docs / "x.txt").symlink_to("/etc/passwd")
    (docs / "etc").symlink_to("/etc")
    (docs / "secret.txt").symlink_to(secret)
    (docs / "sub" / "inside.txt").symlink_to("../own.txt")  # inside the folder: followed
    (docs / "sub" / "loop").symlink_to("..")
    code, report = scan_json("docs", cwd=tmp_path)
    by_path = {d["path"]: d for d in report["documents"]}
    assert set(by_path) == {"docs/etc", "docs/own.txt", "docs/secret.txt", "docs/sub/inside.txt", "docs/sub/loop",
                            "docs/x.txt"}  # /etc is not walked: one entry for the link
    for name, target in (("docs/x.txt", "/etc/passwd"), ("docs/etc", "/etc"), ("docs/secret.txt", str(secret))):
        doc = by_path[name]
        assert doc["verdict"] == "error" and doc["sha256"] is None  # never read
        assert doc["error"] == f"符号链接指向被排查的文件夹之外（{target}），{OUTSIDE}"
    assert by_path["docs/sub/inside.txt"]["verdict"] == "expired"
    assert by_path["docs/sub/loop"]["error"] == "符号链接形成循环，已跳过"
    assert code == 1

    # a link named directly (as a shell glob would) is judged against its own folder
    code, direct = scan_json("x.txt", "secret.txt", "own.txt", cwd=docs)
    assert [d["verdict"] for d in direct["documents"]] == ["error", "error", "expired"]

    # --follow-links: the user's choice
    _, followed = scan_json("docs/secret.txt", "docs/sub", "--follow-links", cwd=tmp_path)
    assert followed["documents"][0]["verdict"] == "expired"


def test_a_given_folder_that_is_a_link_is_walked(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.txt").write_bytes(FIXTURE.read_bytes())
    (tmp_path / "alias").symlink_to(real)
    report = scan_paths([str(tmp_path / "alias")], Settings(as_of="2026-11-27"))
    assert [d.verdict for d in report.documents] == ["expired"]


def _recursive(root: Path) -> list[str]:
    """The order the walk promises: depth first, names sorted, hidden ones skipped (a plain recursive walk)."""
    out: list[str] = []
    for name in sorted(os.listdir(root)):
        if name.startswith((".", "~$")):
            continue
        p = root / name
        if p.is_dir():
            out.extend(_recursive(p))
        else:
            out.append(str(p))
    return out


NAMES = st.sampled_from(["a", "b", "B", "c.txt", "d.doc", ".hidden", "~$lock.docx", "公文", "z.pdf", "10", "9"])
TREES = st.recursive(st.just("file"), lambda kids: st.dictionaries(NAMES, kids, max_size=4), max_leaves=25)


def test_walk_order_equals_a_recursive_walk(tmp_path: Path, fuzz_seed: int) -> None:
    counter = iter(range(10**6))

    def build(where: Path, tree: object) -> None:
        if isinstance(tree, dict):
            where.mkdir()
            for name, sub in tree.items():
                build(where / name, sub)
        else:
            where.write_bytes(b"x")

    @seed(fuzz_seed)
    @settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.dictionaries(NAMES, TREES, max_size=5))
    def run(tree: dict) -> None:
        root = tmp_path / str(next(counter))
        build(root, tree)
        got = walk([str(root)])
        assert all(e.error is None for e in got)
        assert [e.path for e in got] == _recursive(root)

    run()
