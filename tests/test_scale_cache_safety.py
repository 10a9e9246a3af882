"""The result cache as an attacker and a damaged disk see it: no code from a row, no edited verdict, no v0.1
pickles, no cache folder chosen by a file in a parent folder, and file names with undecodable bytes."""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairreview import Settings, scan_paths
from fairreview.batch import Runner
from fairreview.cache import (
    CACHE_FILE,
    ENV_CACHE_DIR,
    KEY_FILE,
    LEGACY_FILES,
    CacheError,
    ResultCache,
    ShapeError,
    default_cache_dir,
    from_data,
    lexicon_key,
    to_data,
    user_config_dir,
)
from fairreview.match.lexicon import Lexicon, load
from fairreview.model import DocumentResult, Finding, Meta, Outline
from fairreview.report.render import render_json

FIXTURES = Path(__file__).resolve().parent / "fixtures"
AS_OF = "2026-06-01"  # 期限办法 (有效期至2025年12月31日) has expired by then
# The tables of a v0.1 cache (SCHEMA 2), whose lexicons.data held pickles.
V01_SCHEMA = """
CREATE TABLE results (run_key TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL, as_of TEXT NOT NULL,
    doc TEXT NOT NULL, PRIMARY KEY (run_key, path));
CREATE TABLE runs (run_key TEXT PRIMARY KEY, used REAL NOT NULL);
CREATE TABLE lexicons (key TEXT PRIMARY KEY, data BLOB NOT NULL, used REAL NOT NULL);
CREATE TABLE selections (key TEXT PRIMARY KEY, summary TEXT NOT NULL, used REAL NOT NULL);
"""


class _Bomb:
    """Unpickling this creates ``target``: the code an attacker's cache row would run."""

    def __init__(self, target: Path):
        self.target = target

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.target), "w"))


def _bomb(target: Path, control: Path) -> bytes:
    """A real pickle payload, proven to run code (on ``control``) before it is planted."""
    assert not pickle.loads(pickle.dumps(_Bomb(control))).close() and control.exists()
    control.unlink()
    return pickle.dumps(_Bomb(target))


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    for src in sorted((FIXTURES / "policies").glob("*.txt")):
        shutil.copy(src, root / src.name)
    (root / "采购办法.txt").write_text(
        "某县政府采购管理办法\n第一条 为规范采购，制定本办法。\n第二条 本县政府采购项目限定本地注册的企业参加投标。\n",
        encoding="utf-8")
    (root / "期限办法.txt").write_text(
        "某县扶持措施\n第一条 对新设企业给予补助。\n第二条 本措施自2024年1月1日起施行，有效期至2025年12月31日。\n",
        encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The uncached report of a ``docs`` folder, by folder contents (computed once per module)."""
    memo: dict[str, dict] = {}

    def get(folder: Path) -> dict:
        key = str(sorted(p.name for p in folder.iterdir()))
        if key not in memo:
            memo[key] = _json(scan_paths([str(folder)], Settings(as_of=AS_OF)))
        return {**memo[key], "documents": [{**d, "path": str(folder / Path(d["path"]).name)}
                                           for d in memo[key]["documents"]]}

    return get


def _json(report: Any) -> dict:
    return json.loads(render_json(report))


def _scan(folder: Path, cache: Path, **settings: Any) -> tuple[dict, ResultCache, list[str]]:
    messages: list[str] = []
    runner = Runner(Settings(as_of=AS_OF, **settings), cache_dir=cache, warn=messages.append)
    store = runner.store
    assert store is not None, messages
    with runner:
        report = runner.scan([str(folder)], jobs=1)
    return _json(report), store, messages


@contextlib.contextmanager
def _db(path: Path) -> Iterator[sqlite3.Connection]:
    """The SQLite file opened as an attacker would: committed and closed at the end."""
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        yield db


def _verdicts(report: dict) -> dict[str, str]:
    return {Path(d["path"]).name: d["verdict"] for d in report["documents"]}


# -- a planted or edited row --------------------------------------------------------------------------------
def test_planted_pickle_rows_run_no_code_and_the_results_are_right(docs: Path, tmp_path: Path,
                                                                    reference: Any) -> None:
    cache = tmp_path / "cache"
    _scan(docs, cache)
    marker = tmp_path / "pwned"
    bomb = _bomb(marker, tmp_path / "control")
    # the attacker writes straight into the SQLite file: every stored value becomes the pickle
    with _db(cache / CACHE_FILE) as db:
        assert db.execute("SELECT count(*) FROM lexicons").fetchone()[0] == 1
        db.execute("UPDATE lexicons SET data = ?", (bomb,))
        db.execute("UPDATE selections SET summary = ?", (bomb,))
        db.execute("UPDATE results SET doc = ?", (bomb,))
    report, store, _ = _scan(docs, cache)
    assert not marker.exists()
    assert report == reference(docs)
    n = len(report["documents"])
    assert store.hits == 0 and store.misses == n and store.rejected == n + 2  # rows, lexicon, summary
    # the rows were overwritten with real results: the next scan is served from the cache again
    again, store, _ = _scan(docs, cache)
    assert again == report and store.hits == n and store.rejected == 0 and not marker.exists()


def test_an_edited_verdict_is_detected_and_computed_again(docs: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first, _, _ = _scan(docs, cache)
    assert _verdicts(first)["期限办法.txt"] == "expired"
    path = str(docs / "期限办法.txt")
    with _db(cache / CACHE_FILE) as db:
        (doc,) = db.execute("SELECT doc FROM results WHERE path = ?", (path,)).fetchone()
        text = doc.decode()
        assert '"verdict":"expired"' in text and "失效" in text
        edited = text.replace('"verdict":"expired"', '"verdict":"retain"').replace("失效", "保留").encode()
        db.execute("UPDATE results SET doc = ? WHERE path = ?", (edited, path))
    report, store, _ = _scan(docs, cache)
    assert _verdicts(report)["期限办法.txt"] == "expired"
    assert report == first and store.rejected == 1 and store.misses == 1
    # an attacker who also recomputes a checksum over the edited row (plain SHA-256 of it, or an HMAC
    # with a key of their own) gets no further: the seal is keyed with the user's secret
    for mac in (hashlib.sha256(edited).digest(), hashlib.sha256(b"key" + edited).digest()):
        with _db(cache / CACHE_FILE) as db:
            db.execute("UPDATE results SET doc = ?, mac = ? WHERE path = ?", (edited, mac, path))
        report, store, _ = _scan(docs, cache)
        assert _verdicts(report)["期限办法.txt"] == "expired" and store.rejected == 1


def test_a_row_moved_to_another_file_is_not_served(docs: Path, tmp_path: Path) -> None:
    """A sealed 保留 row copied onto a file concluded otherwise (with that file's hash) is rejected."""
    cache = tmp_path / "cache"
    first, _, _ = _scan(docs, cache)
    verdicts = _verdicts(first)
    retained = next(n for n, v in verdicts.items() if v == "retain")
    target = docs / "期限办法.txt"
    assert verdicts[target.name] == "expired"
    with _db(cache / CACHE_FILE) as db:
        doc, mac = db.execute("SELECT doc, mac FROM results WHERE path = ?", (str(docs / retained),)).fetchone()
        forged = doc.decode().replace(str(docs / retained), str(target)).replace(
            json.loads(doc)["sha256"], hashlib.sha256(target.read_bytes()).hexdigest()).encode()
        db.execute("UPDATE results SET doc = ?, mac = ? WHERE path = ?", (forged, mac, str(target)))
    report, store, _ = _scan(docs, cache)
    assert _verdicts(report)[target.name] == "expired" and store.rejected == 1


def test_a_file_planted_in_place_of_the_cache_is_not_trusted(docs: Path, tmp_path: Path, reference: Any) -> None:
    """Someone else's SQLite file at the cache's name, even one claiming to be ours: never a result from it."""
    marker = tmp_path / "pwned"
    bomb = _bomb(marker, tmp_path / "control")
    cache = tmp_path / "cache"
    cache.mkdir()
    # a file with our schema and header marks, rows sealed by a key that is not the user's
    with ResultCache(cache, secret_file=tmp_path / "attacker-key") as attacker:
        forged = DocumentResult(path=str(docs / "期限办法.txt"), verdict="retain",
                                sha256=hashlib.sha256((docs / "期限办法.txt").read_bytes()).hexdigest())
        attacker.put(_run_key(docs, tmp_path), forged, AS_OF)
    with _db(cache / CACHE_FILE) as db:
        db.execute("INSERT INTO lexicons VALUES (?, ?, x'00', 1e12)", (lexicon_key(Settings(as_of=AS_OF)), bomb))
    report, store, _ = _scan(docs, cache)
    assert report == reference(docs) and not marker.exists()
    assert store.rejected == 2  # the forged result and the planted lexicon
    # a file with other tables is not ours: reported, left alone, the scan goes on without a cache
    other = tmp_path / "other"
    other.mkdir()
    with _db(other / CACHE_FILE) as db:
        db.execute("CREATE TABLE t (x)")
    messages: list[str] = []
    with Runner(Settings(as_of=AS_OF), cache_dir=other, warn=messages.append) as runner:
        assert _json(runner.scan([str(docs)], jobs=1)) == reference(docs)
    assert any("不是本版本 fairreview 的缓存文件" in m for m in messages)
    with _db(other / CACHE_FILE) as db:
        assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["t"]


def _run_key(docs: Path, tmp_path: Path) -> str:
    with Runner(Settings(as_of=AS_OF), cache_dir=tmp_path / "probe") as runner:
        return runner.run_key


# -- the v0.1 cache ---------------------------------------------------------------------------------------
def test_a_v01_pickle_cache_is_discarded_without_unpickling(docs: Path, tmp_path: Path, reference: Any) -> None:
    marker = tmp_path / "pwned"
    bomb = _bomb(marker, tmp_path / "control")
    cache = tmp_path / "cache"
    cache.mkdir()
    legacy = cache / LEGACY_FILES[0]
    with _db(legacy) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(V01_SCHEMA)
        db.execute("INSERT INTO lexicons VALUES ('any', ?, 1e12)", (bomb,))
        db.execute("INSERT INTO selections VALUES ('any', ?, 1e12)", ('{"version": "x"}',))
    report, store, messages = _scan(docs, cache)
    assert report == reference(docs) and not marker.exists() and not messages
    assert not legacy.exists() and (cache / CACHE_FILE).exists()
    assert store.hits == 0


def test_a_foreign_file_with_the_old_name_is_left_alone(docs: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    legacy = cache / LEGACY_FILES[0]
    with _db(legacy) as db:
        db.execute("CREATE TABLE results (x)")
    before = legacy.read_bytes()
    _scan(docs, cache)
    assert legacy.read_bytes() == before


# -- where the cache is -------------------------------------------------------------------------------------
def _cli(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fairreview", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=300)


def test_a_config_file_in_a_parent_folder_cannot_choose_the_cache(docs: Path, tmp_path: Path) -> None:
    # the configuration is found from the documents (a folder above them that others can write)
    shared = tmp_path / "shared"
    work = shared / "科室" / "张三"
    shutil.copytree(docs, work)
    evil = tmp_path / "evil"
    (shared / "fairreview.toml").write_text(f'cache-dir = "{evil.as_posix()}"\n', encoding="utf-8")
    mine = tmp_path / "xdg"
    env = {"XDG_CACHE_HOME": str(mine)}
    out = tmp_path / "out.json"
    proc = _cli(["scan", str(work), "--format", "json", "--as-of", AS_OF, "-o", str(out)], tmp_path, env)
    assert proc.returncode in (0, 1), proc.stderr  # 2 would be a failed run
    assert not evil.exists()
    assert (mine / "fairreview" / CACHE_FILE).exists()
    notice = [line for line in proc.stderr.splitlines() if "cache-dir" in line]
    assert len(notice) == 1 and "已忽略" in notice[0] and str(shared / "fairreview.toml") in notice[0]
    assert _verdicts(json.loads(out.read_text(encoding="utf-8")))["期限办法.txt"] == "expired"


def test_the_cache_folder_comes_from_the_option_then_the_environment(docs: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(ENV_CACHE_DIR, raising=False)
    assert default_cache_dir() == tmp_path / "xdg" / "fairreview"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/xdg")  # the XDG rule: relative values are ignored
    assert default_cache_dir() == Path.home() / ".cache" / "fairreview"
    monkeypatch.setenv(ENV_CACHE_DIR, str(tmp_path / "env"))
    assert default_cache_dir() == tmp_path / "env"
    out = tmp_path / "out.json"
    env = {ENV_CACHE_DIR: str(tmp_path / "env")}
    assert _cli(["scan", str(docs), "-q", "--format", "json", "-o", str(out)], tmp_path, env).returncode in (0, 1)
    assert (tmp_path / "env" / CACHE_FILE).exists()
    proc = _cli(["scan", str(docs), "-q", "--format", "json", "-o", str(out), "--cache-dir",
                 str(tmp_path / "opt")], tmp_path, env)
    assert proc.returncode in (0, 1) and (tmp_path / "opt" / CACHE_FILE).exists()


# -- the secret -------------------------------------------------------------------------------------------
def test_the_secret_is_private_and_outside_the_cache_folder(docs: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    cache = tmp_path / "cache"
    first, _, _ = _scan(docs, cache)
    key = user_config_dir() / KEY_FILE
    assert key.parent == tmp_path / "config" / "fairreview" and not any(cache.glob("*key*"))
    if os.name != "nt":
        assert key.stat().st_mode & 0o777 == 0o600
        # a key others may read could let them seal rows: not used, and the user is told how to fix it
        key.chmod(0o644)
        messages: list[str] = []
        with Runner(Settings(as_of=AS_OF), cache_dir=cache, warn=messages.append) as runner:
            assert runner.store is None
            assert _json(runner.scan([str(docs)], jobs=1)) == first
        assert any("chmod 600" in m for m in messages)
        key.chmod(0o600)
    # a damaged key is replaced: every row is computed again under the new one
    key.write_text("not a key\n", encoding="ascii")
    again, store, _ = _scan(docs, cache)
    assert again == first and store.hits == 0
    assert store.rejected == len(first["documents"]) + 2  # every result, the summary and the lexicon
    assert len(bytes.fromhex(key.read_text(encoding="ascii").strip())) == 32


def _open_cache(barrier: Any, folder: str, key: str, results: Any) -> None:
    barrier.wait()
    try:
        ResultCache(folder, secret_file=key).close()
        results.put("ok")
    except CacheError as exc:
        results.put(str(exc))


def test_concurrent_first_opens_all_succeed(tmp_path: Path) -> None:
    """Four scans that create the same cache and key at the same moment: each gets a working cache."""
    methods = multiprocessing.get_all_start_methods()
    ctx: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    for attempt in range(5):
        barrier, results = ctx.Barrier(4), ctx.Queue()
        args = (barrier, str(tmp_path / f"c{attempt}"), str(tmp_path / f"key{attempt}"), results)
        procs = [ctx.Process(target=_open_cache, args=args) for _ in range(4)]
        for proc in procs:
            proc.start()
        outcome = [results.get(timeout=120) for _ in procs]
        for proc in procs:
            proc.join(timeout=60)
        assert outcome == ["ok"] * 4


# -- names with undecodable bytes -------------------------------------------------------------------------
@pytest.mark.skipif(os.name == "nt" or sys.getfilesystemencoding() != "utf-8",
                    reason="undecodable file names exist on POSIX file systems with UTF-8 names")
def test_gbk_byte_file_names_scan_with_the_cache(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    names = ["采购办法".encode("gbk") + b".txt", "期限".encode("gbk") + "办法.txt".encode()]
    texts = [
        "某县政府采购管理办法\n第一条 为规范采购，制定本办法。\n第二条 本县政府采购项目限定本地注册的企业参加投标。\n",
        "某县扶持措施\n第一条 对新设企业给予补助。\n第二条 本措施自2024年1月1日起施行，有效期至2025年12月31日。\n",
    ]
    for name, text in zip(names, texts, strict=True):
        with open(os.path.join(os.fsencode(folder), name), "wb") as f:
            f.write(text.encode("utf-8"))
    cache = tmp_path / "cache"
    cold, store, _ = _scan(folder, cache)
    assert store.writes == 2
    warm, store, _ = _scan(folder, cache)
    assert store.hits == 2 and store.rejected == 0 and warm == cold
    # the paths come back exactly: the same bytes on disk
    with Runner(Settings(as_of=AS_OF), cache_dir=cache) as runner:
        report = runner.scan([str(folder)], jobs=1)
    assert sorted(os.fsencode(Path(d.path).name) for d in report.documents) == sorted(names)
    assert sorted(d.verdict for d in report.documents) == ["amend", "expired"]  # 限定本地注册的企业参加投标
    # a lexicon folder with such a name is fingerprinted too
    lex = os.fsdecode(os.path.join(os.fsencode(tmp_path), "词库".encode("gbk")))
    os.mkdir(lex)
    Path(lex, "zt.yaml").write_text(RULE, encoding="utf-8")
    for _ in range(2):
        report_dict, store, _ = _scan(folder, tmp_path / "cache2", lexicon_dirs=(lex,))
        assert any(f["rule"] == "ZT001" for d in report_dict["documents"] for f in d["findings"])
    assert store.hits == 2


RULE = """\
family: ZT
title: 测试
rules:
  - code: ZT001
    name: test-local-bidders
    title: 限定本地企业参加投标（测试规则）
    provisions: [FCR-9-1]
    severity: warning
    message: 限定投标人所在地。
    suggestion: 删除对投标人所在地的限定。
    pattern:
      any: [本地注册的企业]
    examples:
      violation: [仅限本地注册的企业投标。]
      compliant: [各类企业平等参加投标。]
"""


# -- the data format --------------------------------------------------------------------------------------
def test_the_lexicon_round_trips_as_json() -> None:
    lexicon = load()
    data = json.loads(json.dumps(to_data(lexicon), ensure_ascii=False))
    again = from_data(Lexicon, data)
    assert again == lexicon
    assert any(c.regex is not None for r in again.rules for p in r.patterns for c in (*p.with_, *p.unless))
    assert again.classes == lexicon.classes and again.classes["condition"].regex.pattern


def _mutations(data: Any, path: tuple[Any, ...] = ()) -> Any:
    """Every place in ``data``, for the shape test to break one at a time."""
    yield path
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _mutations(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data[:2]):
            yield from _mutations(v, (*path, i))


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    out = dict(data) if isinstance(data, dict) else list(data)
    out[path[0]] = _replace(data[path[0]], path[1:], value)
    return out


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                 max_size=3), max_leaves=6)


@given(value=_JSON, where=st.integers(min_value=0))
def test_a_lexicon_of_another_shape_is_refused(value: Any, where: int) -> None:
    """Any value put anywhere in a stored lexicon gives the lexicon it should (same shape) or ShapeError:
    never another exception, never a half-built lexicon."""
    data = _LEXICON_DATA
    paths = _LEXICON_PATHS
    path = paths[where % len(paths)]
    try:
        result = from_data(Lexicon, _replace(data, path, value))
    except ShapeError:
        return
    assert isinstance(result, Lexicon)
    assert to_data(result) == _replace(data, path, value)  # accepted only as exactly what it says


_LEXICON_DATA = to_data(Lexicon(rules=load().rules[:2], version="t", files=["a.yaml"]))
_LEXICON_PATHS = list(_mutations(_LEXICON_DATA))


_TEXT = st.text(st.characters(blacklist_categories=["Cs"]) | st.sampled_from(["\udcb9", "\udcff", "\x1b", "\\", "x"]),
                max_size=8)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("roundtrip")


@given(path=_TEXT, title=_TEXT, text=_TEXT, extra=_TEXT)
def test_any_result_round_trips_through_the_cache(store_dir: Path, path: str, title: str, text: str,
                                                  extra: str) -> None:
    """Lossless for any text, names with undecodable bytes and control characters included."""
    doc = DocumentResult(path=path, title=title, verdict="amend", sha256="0" * 64, chars=len(text),
                         meta=Meta(issuer=text), reasons=[extra], outline=Outline(3), sketch=[1, 2],
                         findings=[Finding("ME001", "n", ["FCR-8-1"], "error", "第一条", 0, 1, text, [text],
                                           "m", "s", note=extra)])
    with ResultCache(store_dir) as store:
        store.put("k", doc, AS_OF)
        store.flush()
        back = store.get("k", path, "0" * 64, AS_OF)
    assert back is not None and back.to_record() == doc.to_record() and back.path == path


def test_a_stored_regex_with_unknown_flags_is_refused() -> None:
    """Only the flags a rule can have: re.TEMPLATE (1) or a negative number is a shape error, not a warning."""
    import re

    from fairreview.cache import ShapeError, from_data
    from fairreview.regex import Regex

    back = from_data(Regex, {"pattern": "a|b", "flags": int(re.UNICODE)})
    assert isinstance(back, Regex) and back.search("xb") is not None and back.flags == re.UNICODE
    for flags in (1, -1, 1 << 20):
        with pytest.raises(ShapeError):
            from_data(Regex, {"pattern": "a|b", "flags": flags})
    for shape in ({"pattern": "a"}, {"pattern": 1, "flags": 0}, {"pattern": "a", "flags": True}, "a|b"):
        with pytest.raises(ShapeError):
            from_data(Regex, shape)
