"""Per-document result cache, so a re-scan of an unchanged folder costs a read and a hash per file.

A result is a pure function of (file bytes, path string, lexicon rules, settings, code), so it is stored
under exactly that: the SHA-256 of the bytes (never the mtime), the path as scanned, and a *run key* over

- the fairreview version and a digest of its code and package data (an edited matcher, reader or data file
  invalidates everything: safe for a checkout under development),
- a fingerprint of the *selected* rules' result-relevant fields (editing a rule's examples or notes, or a
  rule outside ``--select``, invalidates nothing; editing a selected rule invalidates every result of it),
- every setting (the selection too: besides choosing rules it filters other findings),
- the segmenter id and the model files' sizes and times.

and the review date ``as_of``, which is checked per row rather than being part of the run key: a new
date replaces a document's row instead of adding one, so the cache does not grow day by day. (Only the
conclusion of documents with an expiry and superseded-citation findings depend on it, but those steps
belong to other modules and may grow; a result reused across dates would have to be proven independent of
the date, which only a second full analysis can do.) Results read back are identical to a fresh scan.

The store is one SQLite file (WAL, so concurrent scans by one user are safe) in a per-user cache folder,
never in the scanned folder. A cache that cannot be opened never stops a scan: it is reported and skipped.
The parsed lexicon is cached too (pickled, keyed by the lexicon files' bytes and the code digest), so a
re-scan neither parses YAML nor validates provisions.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import pickle
import re
import sqlite3
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import __version__
from .match.lexicon import Lexicon, builtin_dir
from .model import DocumentResult
from .settings import Settings

SCHEMA = 2
CACHE_FILE = "cache.sqlite3"
PACKAGE = Path(__file__).resolve().parent
#: Files larger than this are fingerprinted by size and modification time instead of content (model weights).
HASH_LIMIT = 4 * 1024 * 1024
#: Rule fields that never reach a result: editing them keeps the cached results.
NOT_IN_RESULTS = frozenset({"violation_examples", "compliant_examples", "notes", "source"})
#: Results of run keys unused for this long are dropped (a lexicon or code edit leaves old keys behind).
MAX_AGE_DAYS = 30


class CacheError(RuntimeError):
    """The cache folder or file cannot be used; the scan goes on without it."""


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/fairreview`` or ``~/.cache/fairreview`` (``%LOCALAPPDATA%`` on Windows)."""
    base = os.environ.get("XDG_CACHE_HOME") or (os.environ.get("LOCALAPPDATA") if os.name == "nt" else None)
    return Path(base or Path.home() / ".cache") / "fairreview"


# -- fingerprints ------------------------------------------------------------------------------------------
def _file_digest(h: Any, root: Path, path: Path) -> None:
    st = path.stat()
    h.update(str(path.relative_to(root)).encode() + b"\0")
    if st.st_size > HASH_LIMIT:
        h.update(f"{st.st_size}:{st.st_mtime_ns}\0".encode())
    else:
        h.update(path.read_bytes() + b"\0")


def tree_digest(paths: Iterable[Path], suffixes: tuple[str, ...] | None = None) -> str:
    """Digest of every file under ``paths`` (files or folders, recursive; hidden ones and caches skipped)."""
    h = hashlib.sha256()
    for top in paths:
        h.update(str(top).encode() + b"\0")
        if top.is_file():
            _file_digest(h, top.parent, top)
            continue
        if not top.is_dir():
            h.update(b"missing\0")
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
            for name in sorted(filenames):
                if name.startswith(".") or (suffixes and not name.endswith(suffixes)):
                    continue
                _file_digest(h, top, Path(dirpath) / name)
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def package_digest() -> str:
    """The fairreview code and package data (Dask workers must have the same to give the same results)."""
    h = hashlib.sha256(f"{__version__}\0".encode())
    h.update(tree_digest([PACKAGE], suffixes=(".py",)).encode())
    h.update(tree_digest([PACKAGE / "data"]).encode())
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """Code, package data, Python and installed libraries: a changed matcher, data file or reader library
    never serves stale results."""
    h = hashlib.sha256(f"{package_digest()}\0{sys.version}\0".encode())  # unicodedata follows Python
    h.update("\0".join(_installed()).encode())
    return h.hexdigest()


def _installed() -> list[str]:
    """Installed distributions with versions (``spacy-3.8.18.dist-info``): an upgraded reader or segmenter
    library invalidates too. One directory listing per site-packages, no metadata parsing."""
    names: list[str] = []
    for entry in sys.path:
        if entry.endswith("-packages") and os.path.isdir(entry):
            names.extend(n for n in os.listdir(entry) if n.endswith((".dist-info", ".egg-info")))
    return sorted(names)


def lexicon_sources(settings: Settings) -> list[Path]:
    """Where a lexicon is loaded from: the built-in folder and the extra folders or files."""
    return [builtin_dir(), *(Path(d) for d in settings.lexicon_dirs)]


def lexicon_key(settings: Settings) -> str:
    """Key of the parsed (unselected) lexicon: every file under the lexicon sources, plus the code."""
    h = hashlib.sha256(f"lexicon:{SCHEMA}\0{code_digest()}\0".encode())
    h.update(tree_digest(lexicon_sources(settings)).encode())
    return h.hexdigest()


def _canon(value: Any) -> Any:
    """A stable, complete JSON-able form (``repr`` of a long compiled regex is truncated, so not that)."""
    if isinstance(value, re.Pattern):
        return ["re", value.pattern, value.flags]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canon(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name not in NOT_IN_RESULTS}
    if isinstance(value, dict):
        return {str(k): _canon(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_canon(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_canon(v) for v in value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def rules_fingerprint(lexicon: Lexicon) -> str:
    """Fingerprint of what the (selected) rules contribute to results, in their order."""
    data = {f.name: _canon(getattr(lexicon, f.name)) for f in dataclasses.fields(lexicon)
            if f.name not in ("files", "version")}
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def model_digest(settings: Settings) -> str:
    """A custom pkuseg model folder (the shipped one is package data, inside the code digest)."""
    if not settings.pkuseg_model:
        return ""
    return tree_digest([Path(settings.pkuseg_model)])


def selection_key(settings: Settings) -> str:
    """Key of a run's summary: the rules, their selection, and the segmenter whose id the report names."""
    parts = [lexicon_key(settings), settings.select, settings.ignore, settings.segmenter, settings.pkuseg_model,
             model_digest(settings)]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def summarize(lexicon: Lexicon) -> dict[str, Any]:
    """What a scan needs to know about the selected rules when every result comes from the cache."""
    return {"version": lexicon.version, "codes": [r.code for r in lexicon.rules],
            "fingerprint": rules_fingerprint(lexicon)}


def run_key(settings: Settings, rules: str, segmenter: str) -> str:
    """Everything besides the bytes, the path and ``as_of`` that a result depends on (``rules`` is the
    :func:`rules_fingerprint` of the selected rules)."""
    # lexicon_dirs only matter through the rules they hold (fingerprinted); as_of is checked per row
    other = {k: v for k, v in settings.to_dict().items() if k not in ("as_of", "lexicon_dirs")}
    parts = {
        "schema": SCHEMA,
        "version": __version__,
        "code": code_digest(),
        "rules": rules,
        "settings": _canon(other),
        "segmenter": segmenter,
        "model": model_digest(settings),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


# -- the store ---------------------------------------------------------------------------------------------
class ResultCache:
    """One SQLite file. Not shared between threads; one per scan."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.path = self.directory / CACHE_FILE
        self.hits = self.misses = self.writes = 0
        self._pending: list[tuple[str, str, str, str, str, float]] = []
        self._run_keys: set[str] = set()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(
                """
                CREATE TABLE IF NOT EXISTS results (
                    run_key TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL, as_of TEXT NOT NULL,
                    doc TEXT NOT NULL, PRIMARY KEY (run_key, path));
                CREATE TABLE IF NOT EXISTS runs (run_key TEXT PRIMARY KEY, used REAL NOT NULL);
                CREATE TABLE IF NOT EXISTS lexicons (
                    key TEXT PRIMARY KEY, data BLOB NOT NULL, used REAL NOT NULL);
                CREATE TABLE IF NOT EXISTS selections (
                    key TEXT PRIMARY KEY, summary TEXT NOT NULL, used REAL NOT NULL);
                """
            )
        except (OSError, sqlite3.Error) as exc:
            raise CacheError(f"缓存不可用（{self.path}：{exc}），本次不使用缓存") from exc

    # parsed lexicons
    def get_lexicon(self, key: str) -> Lexicon | None:
        try:
            row = self.db.execute("SELECT data FROM lexicons WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            lexicon = pickle.loads(row[0])  # our own file in the user's cache folder
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            return None
        return lexicon if isinstance(lexicon, Lexicon) else None

    def put_lexicon(self, key: str, lexicon: Lexicon) -> None:
        try:
            with self.db:
                self.db.execute("DELETE FROM lexicons WHERE used < ?", (time.time() - MAX_AGE_DAYS * 86400,))
                self.db.execute(
                    "INSERT OR REPLACE INTO lexicons VALUES (?, ?, ?)",
                    (key, pickle.dumps(lexicon, protocol=pickle.HIGHEST_PROTOCOL), time.time()),
                )
        except sqlite3.Error:
            pass  # a cache that cannot be written only costs speed

    # what a selection of rules amounts to (version label, codes, fingerprint): no unpickling on a re-scan
    def get_summary(self, key: str) -> dict[str, Any] | None:
        try:
            row = self.db.execute("SELECT summary FROM selections WHERE key = ?", (key,)).fetchone()
            return json.loads(row[0]) if row else None
        except (sqlite3.Error, ValueError):
            return None

    def put_summary(self, key: str, summary: dict[str, Any]) -> None:
        try:
            with self.db:
                old = time.time() - MAX_AGE_DAYS * 86400
                self.db.execute("DELETE FROM selections WHERE used < ?", (old,))
                self.db.execute("INSERT OR REPLACE INTO selections VALUES (?, ?, ?)",
                                (key, json.dumps(summary, ensure_ascii=False), time.time()))
        except sqlite3.Error:
            pass

    # document results
    def get(self, key: str, path: str, sha256: str, as_of: str) -> DocumentResult | None:
        self._run_keys.add(key)
        try:
            row = self.db.execute(
                "SELECT sha256, as_of, doc FROM results WHERE run_key = ? AND path = ?", (key, path)
            ).fetchone()
        except sqlite3.Error:
            row = None
        if row is None or row[0] != sha256 or row[1] != as_of:
            self.misses += 1
            return None
        try:
            doc = DocumentResult.from_dict(json.loads(row[2]))
        except (ValueError, TypeError, KeyError):
            self.misses += 1
            return None
        self.hits += 1
        return doc

    def put(self, key: str, doc: DocumentResult, as_of: str) -> None:
        """Store ``doc`` (its ``sha256`` is the content key), computed for review date ``as_of``."""
        if doc.sha256 is None:
            return
        self._run_keys.add(key)
        text = json.dumps(doc.to_dict(), ensure_ascii=False, separators=(",", ":"))
        self._pending.append((key, doc.path, doc.sha256, as_of, text, time.time()))
        if len(self._pending) >= 256:  # an interrupted scan keeps what it finished
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        rows, self._pending = self._pending, []
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?)",
                                    [r[:5] for r in rows])
            self.writes += len(rows)
        except sqlite3.Error:
            pass

    def close(self) -> None:
        self.flush()
        try:
            now = time.time()
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO runs VALUES (?, ?)",
                                    [(k, now) for k in self._run_keys])
                old = [r[0] for r in self.db.execute(
                    "SELECT run_key FROM runs WHERE used < ?", (now - MAX_AGE_DAYS * 86400,))]
                for k in old:
                    self.db.execute("DELETE FROM results WHERE run_key = ?", (k,))
                    self.db.execute("DELETE FROM runs WHERE run_key = ?", (k,))
            self.db.close()
        except sqlite3.Error:
            pass

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
