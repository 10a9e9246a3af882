"""The review database from the command line: refused files exit 2 with a Chinese message and stay unchanged;
``db check`` and ``db backup``; the reviewer's name required; GBK-byte file names through decide, baseline and
the CSV ledger. Real processes (stderr must hold no traceback)."""

from __future__ import annotations

import csv
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fairreview.escapes import from_sheet_cell
from fairreview.review.ledger import DOC_HEADERS
from fairreview.review.store import Store, Where

DIRTY = (
    "某县关于扶持本地物流企业发展的若干规定\n\n第一条 为促进本县物流业发展，制定本规定。\n"
    "第二条 全县机关事业单位的快递业务统一交由县邮政快递服务公司承办。\n"
    "第三条 申请物流园区入驻补贴的企业须在本县注册并在本县纳税。\n第四条 本规定自发布之日起施行。\n"
)
GBK_NAME = "公文".encode("gbk").decode("utf-8", "surrogateescape") + ".txt"  # bytes b9 ab ce c4


def env(**extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("FAIRREVIEW") and k not in ("USER", "LOGNAME")}
    e.update({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
    e["USER"] = "root"  # the login name must never become the reviewer
    e.update(extra)
    return e


def cli(cwd: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fairreview", *args], cwd=cwd, env=env(**extra),
                          capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=300)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A project folder: its fairreview.toml puts the review database in ./.fairreview/."""
    (tmp_path / "fairreview.toml").write_text("", encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "物流.txt").write_text(DIRTY, encoding="utf-8")
    return tmp_path


def good_db(path: Path) -> Path:
    with Store.open(path) as store:
        from fairreview.review.fingerprint import identity

        doc = store.register(identity("a" * 64, "某县通知", None, DIRTY), path="/docs/a.txt")
        for i in range(30):
            store.decide(doc, "ME301", f"fp{i}", "confirmed", "张三",
                         where=Where(sentence="第二条 " + "快递业务统一交由" * 20))
        store.decide(doc, "ME301", "fp0", "dismissed", "李四", reason="引用上位法")
        store.conclude(doc, "repeal", "整体违法", "李四")
    return path


def bad_file(kind: str, path: Path) -> Path:
    if kind == "empty":
        path.touch()
    elif kind == "text":
        path.write_text("会议纪要\n" * 100, encoding="utf-8")
    elif kind == "foreign":
        conn = sqlite3.connect(path)
        conn.executescript("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('王五');")
        conn.close()
    else:  # a fairreview database with a zeroed page
        good_db(path)
        page = 1 if kind == "zeroed-header" else 3
        data = bytearray(path.read_bytes())
        data[(page - 1) * 4096 : page * 4096] = bytes(4096)
        path.write_bytes(bytes(data))
    return path


KINDS = ["empty", "text", "foreign", "zeroed-header", "zeroed-page"]
WORDS = {"empty": "0 字节", "text": "不是 SQLite", "foreign": "contacts", "zeroed-header": "已损坏",
         "zeroed-page": "已损坏"}


@pytest.mark.parametrize("kind", KINDS)
def test_a_database_that_is_not_ours_or_is_damaged_exits_2_and_is_kept(work: Path, kind: str) -> None:
    (work / ".fairreview").mkdir()
    db = bad_file(kind, work / ".fairreview" / "review.db")
    before = sha(db)
    runs = [
        cli(work, "db", "check"),
        cli(work, "scan", "docs"),  # the default database, found and refused
        cli(work, "review", "docs", "--reviewer", "张三"),
        cli(work, "baseline", "docs"),
        cli(work, "decide", "docs/物流.txt", "--conclusion", "废止", "--reason", "违法", "--reviewer", "张三"),
        cli(work, "ledger", "docs", "-o", "台账.xlsx"),
        cli(work, "db", "backup", "备份.db"),
    ]
    for proc in runs:
        assert proc.returncode == 2, (proc.args, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert str(Path(".fairreview") / "review.db") in proc.stderr and WORDS[kind] in proc.stderr, proc.stderr
        assert sha(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["review.db"]
    assert not (work / "台账.xlsx").exists() and not (work / "备份.db").exists()


def test_db_check_sums_up_a_sound_database(work: Path) -> None:
    db = good_db(work / "review.db")
    proc = cli(work, "db", "check", "--db", "review.db")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "完整性检查：通过" in out
    assert "复核记录 31 条" in out and "现行 30 条" in out and "最终结论 1 件" in out
    assert "复核人 2 位：张三、李四" in out
    assert "最后修改：20" in out and "T" not in out.split("最后修改：")[1].split("\n")[0]
    assert sha(db)  # still there
    missing = cli(work, "db", "check", "--db", "none.db")
    assert missing.returncode == 2 and "不存在" in missing.stderr and not (work / "none.db").exists()


def test_db_backup_writes_a_verified_copy_and_replaces_only_a_backup(work: Path) -> None:
    good_db(work / "review.db")
    usb = work / "usb"
    usb.mkdir()
    proc = cli(work, "db", "backup", "usb/review.db", "--db", "review.db")
    assert proc.returncode == 0, proc.stderr
    assert "复核记录 31" in proc.stdout and "已校验" in proc.stdout
    with Store.open(usb / "review.db", create=False) as copy:
        assert len(copy.all_decisions()) == 31
    # again: the earlier backup is replaced (atomically); a folder gets a dated file
    assert cli(work, "db", "backup", "usb/review.db", "--db", "review.db").returncode == 0
    assert cli(work, "db", "backup", "usb", "--db", "review.db").returncode == 0
    dated = [p.name for p in usb.iterdir() if p.name.startswith("review-")]
    assert len(dated) == 1 and dated[0].endswith(".db")
    # a file that is not a backup is never overwritten
    (usb / "notes.txt").write_text("会议纪要", encoding="utf-8")
    refused = cli(work, "db", "backup", "usb/notes.txt", "--db", "review.db")
    assert refused.returncode == 2 and "未覆盖" in refused.stderr
    assert (usb / "notes.txt").read_text(encoding="utf-8") == "会议纪要"
    assert not [p for p in usb.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_the_reviewer_name_is_required_never_the_login(work: Path) -> None:
    args = ("decide", "docs/物流.txt", "--conclusion", "废止", "--reason", "主要内容违法")
    proc = cli(work, *args)
    assert proc.returncode == 2 and "--reviewer" in proc.stderr and "Traceback" not in proc.stderr
    assert not (work / ".fairreview").exists()  # nothing recorded, not even a database made
    review = cli(work, "review", "docs")
    assert review.returncode == 2 and "复核人" in review.stderr
    (work / "fairreview.toml").write_text('reviewer = "李四"\n', encoding="utf-8")
    assert cli(work, *args).returncode == 0
    assert cli(work, *args, "--reviewer", "张三").returncode == 0
    assert cli(work, *args, FAIRREVIEW_REVIEWER="王五").returncode == 0
    with Store.open(work / ".fairreview" / "review.db", create=False) as store:
        names = [store.latest_conclusion(1).reviewer]  # type: ignore[union-attr]
        rows = store.conn.execute("SELECT reviewer FROM conclusions ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["李四", "张三", "王五"] and names == ["王五"]
    assert "root" not in {r[0] for r in rows}


@pytest.mark.skipif(sys.platform != "linux", reason="undecodable bytes in file names are a POSIX matter")
def test_gbk_byte_file_names_through_decide_baseline_and_csv_ledger(work: Path) -> None:
    docs = work / "docs"
    raw = os.fsencode(str(docs)) + b"/" + os.fsencode(GBK_NAME)
    with open(raw, "w", encoding="utf-8") as fh:
        fh.write(DIRTY)
    rel = "docs/" + GBK_NAME
    decide = subprocess.run(
        [sys.executable, "-m", "fairreview", "decide", os.fsencode(rel), "--conclusion", "修改", "--reason",
         "删除第二条", "--reviewer", "张三"],
        cwd=work, env=env(), capture_output=True, timeout=300,
    )
    assert decide.returncode == 0, decide.stderr.decode("utf-8", "replace")
    out = decide.stdout.decode("utf-8")  # valid UTF-8 on screen, the bytes shown as \xNN
    assert "\\xb9\\xab\\xce\\xc4.txt" in out
    base = cli(work, "baseline", "docs")
    assert base.returncode == 0 and "Traceback" not in base.stderr, base.stderr
    led = cli(work, "ledger", "docs", "-o", "台账.csv")
    assert led.returncode == 0, led.stderr
    for name in ("台账.csv", "台账-问题条款.csv"):
        (work / name).read_bytes().decode("utf-8-sig")  # whole and valid UTF-8
    with open(work / "台账.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    paths = {from_sheet_cell(r[DOC_HEADERS.index("文件路径")]) for r in rows[1:]}
    assert any(p.endswith(GBK_NAME) for p in paths)  # the original bytes, recoverable losslessly
    with Store.open(work / ".fairreview" / "review.db", create=False) as store:
        stored = {r[0] for r in store.conn.execute("SELECT path FROM doc_versions")}
    assert any(p.endswith("\\xb9\\xab\\xce\\xc4.txt") for p in stored)
