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

The cache holds data, never code. Every row (a document's result, the parsed lexicon, a selection's
summary) is JSON, sealed with an HMAC-SHA256 over the row's key columns and its bytes, under a per-user
secret kept outside the cache folder (:func:`user_config_dir`, file ``cache-key``, readable by its owner
only). A row whose seal, JSON or shape is wrong is treated as missing: computed again and overwritten. A
cache file planted, copied or edited by anyone without the secret costs time, never changes a result.
Where the folder is comes from the user alone (``--cache-dir``, ``FAIRREVIEW_CACHE_DIR``, the per-user
default), never from a project file found in a parent folder. The v0.1 cache (``cache.sqlite3``, whose
lexicon rows were pickles) is never read; one whose tables show it is ours is deleted.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import stat
import sys
import tempfile
import time
import types
import typing
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import jsoncodec
from .escapes import escape_text
from .match.lexicon_files import builtin_dir
from .model import VERDICTS, DocumentResult
from .regex import Regex
from .settings import Settings
from .version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from .match.lexicon import Lexicon

SCHEMA = 3
#: The schema is in the name: a file of another version is never opened (v0.1's held pickles).
CACHE_FILE = f"cache-v{SCHEMA}.sqlite3"
#: v0.1 caches: deleted when their tables show they are ours, never read.
LEGACY_FILES = ("cache.sqlite3",)
LEGACY_TABLES = frozenset({"results", "runs", "lexicons", "selections"})
APPLICATION_ID = 0x46524343  # "FRCC" (the review database has its own)
#: The user's own choice of cache folder, after ``--cache-dir``.
ENV_CACHE_DIR = "FAIRREVIEW_CACHE_DIR"
#: The per-user secret that seals the rows, in :func:`user_config_dir`.
KEY_FILE = "cache-key"
PACKAGE = Path(__file__).resolve().parent
#: Files larger than this are fingerprinted by size and modification time instead of content (model weights).
HASH_LIMIT = 4 * 1024 * 1024
#: Rule fields that never reach a result: editing them keeps the cached results.
NOT_IN_RESULTS = frozenset({"violation_examples", "compliant_examples", "notes", "source"})
#: Results of run keys unused for this long are dropped (a lexicon or code edit leaves old keys behind).
MAX_AGE_DAYS = 30
#: seconds a run's last use may be behind before it is written again
RUN_REFRESH_S = 3600


class CacheError(RuntimeError):
    """The cache folder or file cannot be used; the scan goes on without it."""


# -- where: the user's own settings only -------------------------------------------------------------------
def _absolute_env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value and os.path.isabs(value) else None  # the XDG rule: a relative value is ignored


def default_cache_dir() -> Path:
    """``$FAIRREVIEW_CACHE_DIR``, else ``$XDG_CACHE_HOME/fairreview`` or ``~/.cache/fairreview``
    (``%LOCALAPPDATA%`` on Windows)."""
    own = os.environ.get(ENV_CACHE_DIR)
    if own:
        return Path(own).expanduser()
    base = _absolute_env("XDG_CACHE_HOME") or (_absolute_env("LOCALAPPDATA") if os.name == "nt" else None)
    return Path(base or Path.home() / ".cache") / "fairreview"


def user_config_dir() -> Path:
    """``$XDG_CONFIG_HOME/fairreview`` or ``~/.config/fairreview`` (``%APPDATA%`` on Windows): the user's
    own folder, where the cache's secret lives (not in the cache folder, which ``--cache-dir`` may put on a
    shared drive)."""
    base = _absolute_env("XDG_CONFIG_HOME") or (_absolute_env("APPDATA") if os.name == "nt" else None)
    return Path(base or Path.home() / ".config") / "fairreview"


def config_cache_dir_ignored(config_file: str | Path | None) -> str:
    """The notice for a project config file that sets ``cache-dir``: ignored, because anyone who can write
    a parent folder of the scan could otherwise choose where results are read from."""
    return (f"提示：已忽略配置文件 {config_file} 中的 cache-dir：缓存目录只由 --cache-dir、环境变量 "
            f"{ENV_CACHE_DIR} 或默认位置（{default_cache_dir()}）决定")


# -- fingerprints ------------------------------------------------------------------------------------------
def _file_digest(h: Any, root: Path, path: Path) -> None:
    st = path.stat()
    h.update(os.fsencode(path.relative_to(root)) + b"\0")  # fsencode: names with undecodable bytes too
    if st.st_size > HASH_LIMIT:
        h.update(f"{st.st_size}:{st.st_mtime_ns}\0".encode())
    else:
        h.update(path.read_bytes() + b"\0")


def tree_digest(paths: Iterable[Path], suffixes: tuple[str, ...] | None = None) -> str:
    """Digest of every file under ``paths`` (files or folders, recursive; hidden ones and caches skipped)."""
    h = hashlib.sha256()
    for top in paths:
        h.update(os.fsencode(top) + b"\0")
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
    if isinstance(value, Regex):
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
    return _canon_scalar(value)


def _canon_scalar(value: Any) -> Any:
    """JSON's own scalars as they are; anything else by its ``repr``."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def rules_fingerprint(lexicon: Lexicon) -> str:
    """Fingerprint of what the (selected) rules contribute to results, in their order."""
    data = {f.name: _canon(getattr(lexicon, f.name)) for f in dataclasses.fields(lexicon)
            if f.name not in ("files", "version", "needs", "planned")}  # the last two follow from the rest
    return hashlib.sha256(_dumps(data, sort_keys=True)).hexdigest()


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


# -- rows as data -------------------------------------------------------------------------------------------
def _dumps(value: Any, sort_keys: bool = False) -> bytes:
    """Compact UTF-8 JSON; lone surrogates (undecodable bytes of a file name) are kept, losslessly."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys, allow_nan=False)
    return text.encode("utf-8", "surrogatepass")


def _loads(data: bytes) -> Any:
    return jsoncodec.loads(data)


class ShapeError(ValueError):
    """Stored data that does not have the shape of the type it should become."""


def to_data(value: Any) -> Any:
    """Frozen dataclasses (a :class:`Lexicon`) as JSON data; a compiled regex as its pattern and flags."""
    if isinstance(value, Regex):
        return {"pattern": value.pattern, "flags": value.flags}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(to_data(v) for v in value)
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: to_data(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int):  # bool is an int
        return value
    raise TypeError(f"缓存无法保存 {type(value).__name__} 类型的值")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_data(tp: Any, data: Any) -> Any:
    """The inverse of :func:`to_data`, checked against the type annotations all the way down: any other
    shape raises :class:`ShapeError`. Builds only dataclasses, tuples, lists, strings, numbers and regexes."""
    return _converter(tp)(data)


_Convert = Callable[[Any], Any]


@functools.cache
def _converter(tp: Any) -> _Convert:
    """The checking constructor of one annotated type, made once per type: a stored lexicon has some 40,000
    values, and reading each one's annotation again would cost more than building it."""
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        return _optional_converter(tp)
    if tp is Regex:
        return _from_regex
    if origin in (tuple, list, frozenset, dict):
        return _container_converter(tp, origin, typing.get_args(tp))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_converter(tp)
    if tp in (bool, int, str):
        return _scalar_converter(tp)
    return _refuse(f"不支持的类型 {tp}")


def _refuse(message: str) -> _Convert:
    def refuse(_data: Any) -> Any:
        raise ShapeError(message)
    return refuse


def _scalar_converter(tp: type) -> _Convert:
    # exactly these types: JSON tells a bool from an int, and so does the check
    def scalar(data: Any) -> Any:
        if type(data) is tp:
            return data
        raise ShapeError(f"应为 {tp.__name__}，而不是 {type(data).__name__}")
    return scalar


def _optional_converter(tp: Any) -> _Convert:
    """``X | None``: the only union a stored type may have."""
    args = typing.get_args(tp)
    others = [a for a in args if a is not type(None)]
    if len(others) != 1 or type(None) not in args:
        return _refuse(f"不支持的类型 {tp}")
    inner = _converter(others[0])
    return lambda data: None if data is None else inner(data)


#: the flags a stored regex may carry (the rules compile with no others; re.TEMPLATE and the like are refused)
_REGEX_FLAGS = int(re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.UNICODE | re.ASCII)


def _from_regex(data: Any) -> Regex:
    """Compiled when first used: the row's seal says that this program wrote it, after compiling it."""
    if not (isinstance(data, dict) and set(data) == {"pattern", "flags"}
            and isinstance(data["pattern"], str) and type(data["flags"]) is int):
        raise ShapeError("正则表达式应为 {pattern, flags}")
    if data["flags"] & ~_REGEX_FLAGS:
        raise ShapeError(f"正则表达式的标志无效：{data['flags']}")
    return Regex(data["pattern"], data["flags"])


def _dataclass_converter(tp: type) -> _Convert:
    names = frozenset(f.name for f in dataclasses.fields(tp))
    fields: list[tuple[str, _Convert]] = []  # filled on first use: a type may contain itself (Atom.alts)
    # A frozen dataclass's __init__ sets each field through object.__setattr__ (a third of reading the rules
    # back); where __init__ does nothing else (no __post_init__, no slots) the fields go into the instance's
    # __dict__ at once, in the same order, which is what __init__ leaves.
    direct = not hasattr(tp, "__post_init__") and "__slots__" not in tp.__dict__

    def build(data: Any) -> Any:
        if not isinstance(data, dict) or data.keys() != names:
            raise ShapeError(f"{tp.__name__} 的字段不符")
        if not fields:
            hints = _hints(tp)
            fields.extend((f.name, _converter(hints[f.name])) for f in dataclasses.fields(tp))
        values = {n: convert(data[n]) for n, convert in fields}
        if not direct:
            return tp(**values)
        obj: Any = object.__new__(tp)
        obj.__dict__.update(values)
        return obj
    return build


def _container_converter(tp: Any, origin: Any, args: tuple[Any, ...]) -> _Convert:
    if origin is dict:
        return _mapping_converter(tp, args)
    if origin is tuple and len(args) >= 1 and args[-1] is not Ellipsis:  # a fixed-length tuple: tuple[str, int]
        return _fixed_tuple_converter(tp, args)
    if len(args) not in (1, 2):
        return _refuse(f"不支持的类型 {tp}")
    return _sequence_converter(tp, origin, args[0])


def _mapping_converter(tp: Any, args: tuple[Any, ...]) -> _Convert:
    if len(args) != 2 or args[0] is not str:
        return _refuse(f"应为映射（{tp}）")
    value = _converter(args[1])

    def mapping(data: Any) -> Any:
        if not isinstance(data, dict):
            raise ShapeError(f"应为映射（{tp}）")
        return {k: value(v) for k, v in data.items()}
    return mapping


def _sequence_converter(tp: Any, origin: Any, arg: Any) -> _Convert:
    item = _converter(arg)
    scalar = arg if arg in (bool, int, str) else None

    def sequence(data: Any) -> Any:
        if not isinstance(data, list):
            raise ShapeError(f"应为列表（{tp}）")
        if scalar is not None:  # a list of words: its types checked in one pass, the items kept as they are
            if data and set(map(type, data)) != {scalar}:
                raise ShapeError(f"应为 {scalar.__name__} 的列表（{tp}）")
            items = data
        else:
            items = [item(v) for v in data]
        if origin is frozenset:
            return _canonical_set(tp, data, items)
        return tuple(items) if origin is tuple else items
    return sequence


def _fixed_tuple_converter(tp: Any, args: tuple[Any, ...]) -> _Convert:
    converters = [_converter(a) for a in args]

    def fixed(data: Any) -> Any:
        if not isinstance(data, list):
            raise ShapeError(f"应为列表（{tp}）")
        if len(data) != len(converters):
            raise ShapeError(f"应为 {len(converters)} 项（{tp}）")
        return tuple(c(v) for c, v in zip(converters, data, strict=True))
    return fixed


def _canonical_set(tp: Any, data: list[Any], items: list[Any]) -> frozenset[Any]:
    try:
        canonical = data == sorted(data) and len(set(items)) == len(items)
    except TypeError:
        canonical = False
    if not canonical:
        raise ShapeError(f"集合应为无重复、已排序的列表（{tp}）")  # what we write always is
    return frozenset(items)


def _document(data: Any, path: str, sha256: str) -> DocumentResult | None:
    """A stored result, if it has the shape of one and is the result of this very file."""
    if not isinstance(data, dict) or not isinstance(data.get("findings", []), list):
        return None
    try:
        doc = DocumentResult.from_record(data)
    except (TypeError, KeyError, ValueError, AttributeError):
        return None
    if doc.path != path or doc.sha256 != sha256 or doc.verdict not in VERDICTS:
        return None
    return doc


#: What :class:`Runner` keeps of a selection (``summarize`` plus the segmenter id) and the type of each.
SUMMARY_FIELDS = {"version": str, "codes": list, "fingerprint": str, "segmenter": str}


def _summary(data: Any) -> dict[str, Any] | None:
    if not isinstance(data, dict) or not all(isinstance(data.get(k), t) for k, t in SUMMARY_FIELDS.items()):
        return None
    return data if all(isinstance(c, str) for c in data["codes"]) else None


# -- the secret ----------------------------------------------------------------------------------------------
def _read_secret(path: Path) -> bytes | None:
    """The key in ``path``, or None when there is none or it is damaged. A file that someone else owns or
    may read or write is not used (it would let them seal rows)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise CacheError(f"缓存不可用（密钥 {path} 不是普通文件），本次不使用缓存")
        if os.name != "nt" and (st.st_uid != os.geteuid() or st.st_mode & 0o077):
            raise CacheError(f"缓存不可用（密钥文件 {path} 不属于当前用户或其他用户可以读写；"
                             f"请执行 chmod 600 {path}，或删除它以生成新的），本次不使用缓存")
        raw = f.read(256)
    try:
        key = bytes.fromhex(raw.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        return None
    return key if len(key) == 32 else None


def load_secret(path: Path | None = None) -> bytes:
    """The per-user key that seals cache rows, created (owner-only) on first use. A damaged key file is
    replaced; rows sealed with the old key are then simply computed again."""
    path = path or user_config_dir() / KEY_FILE
    key = _read_secret(path)
    if key is not None:
        return key
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(32)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cache-key-")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key.hex() + "\n")
        try:
            os.link(tmp, path)  # atomic, and never over the key a concurrent first scan just made
        except FileExistsError:
            theirs = _read_secret(path)
            if theirs is not None:
                return theirs
            os.replace(tmp, path)  # the existing one is damaged
        except OSError:  # a file system without hard links
            os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return key


def _discard_legacy(directory: Path) -> None:
    """Delete a v0.1 cache (its lexicon rows are pickles) once its table names show it is ours. Only the
    schema is read, read-only; nothing in it is ever loaded. Anything else of that name is left alone."""
    for name in LEGACY_FILES:
        path = directory / name
        if not path.is_file():
            continue
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            finally:
                conn.close()
        except (sqlite3.Error, ValueError):
            continue
        if tables == LEGACY_TABLES:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):  # e.g. open in an old fairreview on Windows; never read
                    Path(f"{path}{suffix}").unlink(missing_ok=True)


# -- the store ---------------------------------------------------------------------------------------------
_TABLES = """
CREATE TABLE IF NOT EXISTS results (
    run_key TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL, as_of TEXT NOT NULL,
    doc BLOB NOT NULL, mac BLOB NOT NULL, PRIMARY KEY (run_key, path));
CREATE TABLE IF NOT EXISTS runs (run_key TEXT PRIMARY KEY, used REAL NOT NULL);
CREATE TABLE IF NOT EXISTS lexicons (key TEXT PRIMARY KEY, data BLOB NOT NULL, mac BLOB NOT NULL, used REAL NOT NULL);
CREATE TABLE IF NOT EXISTS selections (
    key TEXT PRIMARY KEY, summary BLOB NOT NULL, mac BLOB NOT NULL, used REAL NOT NULL);
"""


def _use_wal(db: sqlite3.Connection) -> None:
    """WAL once per file (it persists). Switching needs a moment alone with the file and SQLite does not
    always wait for it (four first scans at once: "database is locked"), so retry briefly; a file another
    process is switching at that moment ends in WAL all the same."""
    for attempt in range(50):
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if attempt == 49:
                raise
            time.sleep(0.05 + 0.01 * attempt)


class ResultCache:
    """One SQLite file. Not shared between threads; one per scan. ``secret_file``: where the sealing key
    is (default: ``cache-key`` in :func:`user_config_dir`)."""

    def __init__(self, directory: str | Path, secret_file: str | Path | None = None):
        self.directory = Path(directory)
        self.path = self.directory / CACHE_FILE
        self.hits = self.misses = self.writes = 0
        #: rows whose seal, JSON or shape was wrong (damaged or tampered with): ignored, computed again
        self.rejected = 0
        self._pending: list[tuple[str, str, str, str, bytes, bytes]] = []
        self._run_keys: set[str] = set()
        db: sqlite3.Connection | None = None
        try:
            self._key = load_secret(Path(secret_file) if secret_file is not None else None)
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            _discard_legacy(self.directory)
            db = sqlite3.connect(self.path, timeout=30)
            self._open_schema(db)
        except (OSError, sqlite3.Error) as exc:
            if db is not None:
                db.close()
            raise CacheError(f"缓存不可用（{self.path}：{exc}），本次不使用缓存") from exc
        except CacheError:
            if db is not None:
                db.close()
            raise
        self.db = db

    def _open_schema(self, db: sqlite3.Connection) -> None:
        """Use the file if it is ours; create the tables (under one write lock) if it is empty."""
        db.execute("PRAGMA trusted_schema = OFF")  # a planted file's triggers and views run no functions
        if not self._ours(db):
            db.execute("BEGIN IMMEDIATE")
            try:
                if not self._ours(db):  # a concurrent first scan may have created it meanwhile
                    if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                        raise CacheError(f"缓存不可用（{self.path} 不是本版本 fairreview 的缓存文件；"
                                         f"删除它即可重建），本次不使用缓存")
                    for statement in filter(str.strip, _TABLES.split(";")):
                        db.execute(statement)
                    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    db.execute(f"PRAGMA user_version = {SCHEMA}")
                db.commit()
            except BaseException:
                db.rollback()
                raise
        _use_wal(db)
        db.execute("PRAGMA synchronous=NORMAL")

    @staticmethod
    def _ours(db: sqlite3.Connection) -> bool:
        app = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        return bool(app == APPLICATION_ID and version == SCHEMA)

    # sealing
    def _seal(self, table: str, key: tuple[str, ...], payload: bytes) -> bytes:
        """HMAC over the table, the key columns (the row cannot be moved to another file or run) and the
        bytes. ASCII JSON of the key: any path, surrogates included, without ambiguity."""
        head = json.dumps([table, *key]).encode("ascii")
        return hmac.digest(self._key, head + b"\0" + payload, "sha256")

    def _open(self, table: str, key: tuple[str, ...], payload: Any, mac: Any) -> Any:
        """The row's data if its seal is right and it parses; otherwise None (counted as rejected)."""
        try:
            if isinstance(payload, bytes) and isinstance(mac, bytes) and hmac.compare_digest(
                    mac, self._seal(table, key, payload)):
                return _loads(payload)
        except ValueError:  # not JSON (cannot happen for a row we sealed, unless the code is broken)
            pass
        self.rejected += 1
        return None

    # parsed lexicons
    def get_lexicon(self, key: str) -> Lexicon | None:
        from .match.lexicon import Lexicon

        try:
            row = self.db.execute("SELECT data, mac FROM lexicons WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            return None
        data = self._open("lexicons", (key,), *row)
        if data is None:
            return None
        try:
            lexicon = from_data(Lexicon, data)
        except ShapeError:
            self.rejected += 1
            return None
        return lexicon if isinstance(lexicon, Lexicon) else None

    def put_lexicon(self, key: str, lexicon: Lexicon) -> None:
        try:
            payload = _dumps(to_data(lexicon))
        except (TypeError, ValueError):
            return  # a rule holding something JSON cannot: parsed again next time
        try:
            with self.db:
                self.db.execute("DELETE FROM lexicons WHERE used < ?", (time.time() - MAX_AGE_DAYS * 86400,))
                self.db.execute("INSERT OR REPLACE INTO lexicons VALUES (?, ?, ?, ?)",
                                (key, payload, self._seal("lexicons", (key,), payload), time.time()))
        except sqlite3.Error:
            pass  # a cache that cannot be written only costs speed

    # what a selection of rules amounts to (version label, codes, fingerprint): no rules read on a re-scan
    def get_summary(self, key: str) -> dict[str, Any] | None:
        try:
            row = self.db.execute("SELECT summary, mac FROM selections WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            return None
        data = self._open("selections", (key,), *row)
        summary = _summary(data) if data is not None else None
        if data is not None and summary is None:
            self.rejected += 1
        return summary

    def put_summary(self, key: str, summary: dict[str, Any]) -> None:
        try:
            payload = _dumps(summary)
        except (TypeError, ValueError):
            return
        try:
            with self.db:
                old = time.time() - MAX_AGE_DAYS * 86400
                self.db.execute("DELETE FROM selections WHERE used < ?", (old,))
                self.db.execute("INSERT OR REPLACE INTO selections VALUES (?, ?, ?, ?)",
                                (key, payload, self._seal("selections", (key,), payload), time.time()))
        except sqlite3.Error:
            pass

    # document results
    def get(self, key: str, path: str, sha256: str, as_of: str) -> DocumentResult | None:
        self._run_keys.add(key)
        try:
            row = self.db.execute(
                "SELECT sha256, as_of, doc, mac FROM results WHERE run_key = ? AND path = ?",
                (key, escape_text(path)),  # lossless and valid UTF-8: names with undecodable bytes too
            ).fetchone()
        except sqlite3.Error:
            row = None
        if row is None or row[0] != sha256 or row[1] != as_of:
            self.misses += 1
            return None
        data = self._open("results", (key, path, sha256, as_of), row[2], row[3])
        doc = _document(data, path, sha256) if data is not None else None
        if doc is None:
            if data is not None:
                self.rejected += 1
            self.misses += 1
            return None
        self.hits += 1
        return doc

    def put(self, key: str, doc: DocumentResult, as_of: str) -> None:
        """Store ``doc`` (its ``sha256`` is the content key), computed for review date ``as_of``."""
        if doc.sha256 is None:
            return
        try:
            payload = _dumps(doc.to_record())
        except (TypeError, ValueError):
            return  # something in ``extra`` that JSON cannot hold: not cached
        self._run_keys.add(key)
        mac = self._seal("results", (key, doc.path, doc.sha256, as_of), payload)
        self._pending.append((key, escape_text(doc.path), doc.sha256, as_of, payload, mac))
        if len(self._pending) >= 256:  # an interrupted scan keeps what it finished
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        rows, self._pending = self._pending, []
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?)", rows)
            self.writes += len(rows)
        except sqlite3.Error:
            pass

    def close(self) -> None:
        self.flush()
        try:
            now = time.time()
            # a run's time is written (and old runs pruned) at most once an hour: a re-scan that wrote nothing
            # else then leaves the file untouched, and closing it has no log to fold back (13 ms here)
            stale = [k for k in sorted(self._run_keys) if not self._used_since(k, now - RUN_REFRESH_S)]
            if not stale:
                return
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO runs VALUES (?, ?)", [(k, now) for k in stale])
                old = [r[0] for r in self.db.execute(
                    "SELECT run_key FROM runs WHERE used < ?", (now - MAX_AGE_DAYS * 86400,))]
                for k in old:
                    self.db.execute("DELETE FROM results WHERE run_key = ?", (k,))
                    self.db.execute("DELETE FROM runs WHERE run_key = ?", (k,))
        except sqlite3.Error:
            pass
        finally:
            self.db.close()

    def _used_since(self, key: str, since: float) -> bool:
        """The run's last use is recorded as at or after ``since`` and not in the future (a time written while
        the clock was ahead is written again, or the run would outlive MAX_AGE_DAYS by as much)."""
        row = self.db.execute("SELECT used FROM runs WHERE run_key = ?", (key,)).fetchone()
        return row is not None and isinstance(row[0], int | float) and since <= row[0] <= time.time()

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
