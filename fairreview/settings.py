"""Settings of a run, and where they come from: given values over the configuration file over defaults.

:class:`Settings` holds what, together with the file bytes and the lexicons, fully determines a result
(``to_dict`` is what the result cache keys on), plus a :class:`Workspace`: where the run keeps what it
records (result cache, review database, reviewer's name), which never changes a result.

:func:`load_settings` builds them the same way for the command line and the Python API. Everything is
anchored to the documents, never to the shell's folder:

- the configuration file is ``fairreview.toml`` or ``[tool.fairreview]`` in ``pyproject.toml``, the nearest
  at or above the folder of each scanned path (as ruff finds its configuration), found by
  :func:`find_config`, the one place that decides where to look; one scan uses one configuration, and
  :func:`check_files` refuses a scan whose files would each find another one (``--config FILE`` or
  ``--isolated`` choose for all);
- the review database is beside the configuration file (``.fairreview/review.db``), else the nearest
  existing ``.fairreview/review.db`` at or above the scanned paths, else the user's own data folder
  (:func:`default_database`).

Keys: ``select``, ``ignore``, ``extend-lexicons`` (folders, relative to the config file), ``exclude``,
``segmenter``, ``pkuseg-model``, ``db``, ``max-size``, ``reviewer``, ``timeout``, ``memory-limit``, and
``cache-dir``, which is accepted but ignored (``Workspace.ignored_keys``). docs/configuration.md documents
them for users.

A :class:`Budget` (what one document may cost in time and memory) is part of the settings but not of a result:
a document over budget is an error that is never cached, so a larger budget gets a fresh try.

"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from .escapes import escape_text
from .read.files import pattern_problem
from .review.reviewer import resolve_reviewer

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 100 * MB
PROJECT_DB = Path(".fairreview") / "review.db"  # beside the configuration file, or found above the documents
ENV_DATA_DIR = "FAIRREVIEW_DATA_DIR"  # the user's own data folder (default: platformdirs' user data folder)
STDIN = "-"  # a document read from standard input; its anchor is the current folder
#: per document: the slowest of the 1,277 corpus documents takes 0.16 s, a LibreOffice conversion about 1 s, the
#: largest text the reader accepts 4 s; the page/size budgets of read/limits.py stop the known bombs in < 0.1 s
DEFAULT_TIMEOUT_S = 60.0
#: address space of a worker process (which bounds its resident memory): 60 MB, 330 MB with the segmentation
#: model loaded, and the largest document the reader accepts (2,000,000 characters) needs 170 MB more
DEFAULT_MEMORY_MB = 1024
MIN_MEMORY_MB = 64
KEYS = {"select", "ignore", "extend-lexicons", "exclude", "segmenter", "pkuseg-model", "db", "max-size",
        "cache-dir", "reviewer", "timeout", "memory-limit"}
# where the configuration in use came from (Workspace.config_origin); PROGRAM: Settings made in code
DISCOVERED, GIVEN, ISOLATED, PROGRAM = "discovered", "given", "isolated", "program"
SEGMENTERS = ("auto", "pkuseg", "char")
PREFIX_RE = re.compile(r"^[A-Za-z]{1,4}\d{0,3}$")  # a rule code or a prefix of one: ME, FL3, CO201


class SettingsError(ValueError):
    """A given value or the configuration cannot be used; the message is Chinese and says which."""


class ConfigError(SettingsError):
    """The configuration file is unreadable or has a bad key or value; the message names the file."""


@dataclass(frozen=True)
class Workspace:
    """Where a run keeps what it records. Never part of a result (nor of the cache key)."""

    config: str | None = None  # the configuration file in use, if any
    # discovered (from the scanned paths) | given (--config) | isolated | program (Settings built in code)
    config_origin: str = PROGRAM
    # --cache-dir; None: $FAIRREVIEW_CACHE_DIR or the per-user default (cache.default_cache_dir). Never from
    # the configuration file: anyone who can write a parent folder of the scan could choose it.
    cache_dir: str | None = None
    db: str | None = None  # the review database when one was chosen (option or configuration)
    default_db: str | None = None  # where the database is when none was chosen (:func:`default_database`)
    reviewer: str | None = None  # as given (--reviewer)
    configured_reviewer: str | None = None  # ``reviewer`` in the configuration file
    ignored_keys: tuple[str, ...] = ()  # keys of the configuration file that are read but not obeyed

    @property
    def db_path(self) -> Path:
        if self.db:
            return Path(self.db)
        return Path(self.default_db) if self.default_db else default_database([])

    @property
    def db_chosen(self) -> bool:
        """A chosen database must exist; the default one is used only when it does."""
        return self.db is not None

    def reviewer_name(self) -> str:
        """The reviewer's name: given, else ``FAIRREVIEW_REVIEWER``, else configured; never the login name
        (:class:`~fairreview.review.reviewer.ReviewerMissing` when there is none)."""
        return resolve_reviewer(self.reviewer, self.configured_reviewer)

    def describe(self, db: bool = True) -> str:
        """The one line every command prints (on stderr): which configuration and which database."""
        if self.config_origin == ISOLATED:
            config = "不使用（--isolated）"
        elif self.config is None:
            config = "无（未找到 fairreview.toml，使用默认设置）"
        else:
            config = escape_text(self.config) + ("（--config 指定）" if self.config_origin == GIVEN else "")
        line = f"配置：{config}"
        if db:
            path = self.db_path.absolute()
            line += f"；复核数据库：{escape_text(str(path))}" + ("" if path.exists() else "（尚未建立）")
            here = Path.cwd() / PROJECT_DB  # where versions before 0.2 kept it, whatever was scanned
            if here.is_file() and here.resolve() != path.resolve():
                line += (f"\n提示：当前文件夹中的 {PROJECT_DB} 未使用：复核数据库按被排查文件的位置确定"
                         f"（见 docs/configuration.md）；要用它请加 --db {PROJECT_DB}")
        return line


@dataclass(frozen=True)
class Budget:
    """What one document may cost, enforced in the worker process that analyses it (batch/budget.py)."""

    timeout_s: float = DEFAULT_TIMEOUT_S  # wall-clock seconds, reading and analysis (conversion included)
    memory_mb: int = DEFAULT_MEMORY_MB  # MB of address space of a worker process


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    lexicon_dirs: tuple[str, ...] = ()
    segmenter: str = "auto"  # auto | pkuseg | char
    pkuseg_model: str | None = None
    as_of: str = field(default_factory=lambda: dt.date.today().isoformat())
    max_bytes: int = DEFAULT_MAX_BYTES
    # gitignore-style patterns of files and folders not to scan, beyond read/files.DEFAULT_EXCLUDES; which
    # files are scanned, never what a file's result is (not in to_dict)
    exclude: tuple[str, ...] = field(default=(), compare=False)
    exclude_root: str | None = field(default=None, compare=False)  # the folder the patterns are relative to
    workspace: Workspace = field(default_factory=Workspace, compare=False)
    budget: Budget = field(default_factory=Budget, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The settings that determine a result (the workspace, the file selection and the budget do not)."""
        d = asdict(self)
        for key in ("workspace", "exclude", "exclude_root", "budget"):
            del d[key]
        return d


@dataclass(frozen=True)
class Overrides:
    """Values given by the caller (command-line options); empty or None means "not given"."""

    select: tuple[str, ...] = ()  # each item may hold several codes: "ME,FL"
    ignore: tuple[str, ...] = ()
    lexicons: tuple[str, ...] = ()  # added to the configured extend-lexicons
    segmenter: str | None = None
    pkuseg_model: str | None = None
    as_of: str | None = None  # YYYY-MM-DD; default today
    max_size_mb: int | None = None
    timeout_s: float | None = None
    memory_mb: int | None = None
    cache_dir: str | None = None
    db: str | None = None
    reviewer: str | None = None
    exclude: tuple[str, ...] = ()  # added to the defaults and the configured exclude
    config: str | None = None  # --config FILE: this configuration for every scanned file
    isolated: bool = False  # --isolated: no configuration file at all


# -- the configuration file -------------------------------------------------------------------------------
@dataclass
class Config:
    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)
    origin: str = DISCOVERED

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def paths(self, key: str) -> list[str]:
        """Path values resolved against the config file's folder (a single string or a list)."""
        base = self.path.parent if self.path else Path.cwd()
        value = self.values.get(key, [])
        items = [value] if isinstance(value, str) else value
        return [str((base / p).resolve()) for p in items]

    def path_value(self, key: str) -> str | None:
        """A single path, relative to the config file's folder (not resolved), or None."""
        value = self.values.get(key)
        if not value:
            return None
        base = self.path.parent if self.path else Path.cwd()
        return str(base / str(value))


def _anchor(path: str | Path) -> Path:
    """The folder a scanned path's configuration is looked for from: the folder itself, or a file's folder."""
    if str(path) == STDIN:
        return Path.cwd().resolve()
    p = Path(path).absolute()
    return p if p.is_dir() else p.parent


class _Finder:
    """The nearest configuration at or above a folder, each folder looked at once (a scan asks for many)."""

    def __init__(self) -> None:
        self._seen: dict[Path, Path | None] = {}
        self._configs: dict[Path, Config] = {}

    def config_file(self, folder: Path) -> Path | None:
        chain: list[Path] = []
        found: Path | None = None
        for d in (folder, *folder.parents):
            if d in self._seen:
                found = self._seen[d]
                break
            chain.append(d)
            own = _config_in(d, self._configs)
            if own is not None:
                found = own
                break
        for d in chain:
            self._seen[d] = found
        return found

    def config(self, file: Path | None) -> Config:
        return self._configs[file] if file is not None else Config()


def _config_in(folder: Path, loaded: dict[Path, Config]) -> Path | None:
    """The configuration file in ``folder`` itself: ``fairreview.toml`` first, then a ``pyproject.toml`` that
    has a ``[tool.fairreview]`` table."""
    own = folder / "fairreview.toml"
    if own.is_file():
        loaded[own] = _load(own, table=None)
        return own
    py = folder / "pyproject.toml"
    if py.is_file():
        cfg = _load(py, table="fairreview")
        if cfg.values:
            loaded[py] = cfg
            return py
    return None


def find_config(paths: Sequence[str | Path] | str | Path | None = None) -> Config:
    """The configuration in force for ``paths`` (files or folders; default: the current folder): for each,
    the first ``fairreview.toml`` (or ``pyproject.toml`` with a ``[tool.fairreview]`` table) in its folder or
    a folder above it. Every path must lead to the same one (:class:`ConfigError` otherwise)."""
    if paths is None:
        paths = [Path.cwd()]
    elif isinstance(paths, str | Path):
        paths = [paths]
    finder = _Finder()
    found: dict[Path | None, list[str]] = {}
    for p in paths or [Path.cwd()]:
        found.setdefault(finder.config_file(_anchor(p).resolve()), []).append(str(p))
    if len(found) > 1:
        raise ConfigError(_several(found))
    (file,) = found
    return finder.config(file)


def check_files(config: str | None, files: Iterable[str]) -> None:
    """Every scanned file finds ``config`` as its nearest configuration: one scan never applies a
    configuration to a file that, scanned on its own, would find another (ConfigError naming both)."""
    finder = _Finder()
    want = Path(config) if config else None
    other: dict[Path | None, list[str]] = {}
    resolved: dict[Path, Path] = {}  # a folder's files share its resolution (links resolved once per folder)
    for f in files:
        if f == STDIN:
            continue
        anchor = _anchor(f)
        folder = resolved.get(anchor)
        if folder is None:
            folder = resolved[anchor] = anchor.resolve()
        got = finder.config_file(folder)
        if got != want:
            other.setdefault(got, []).append(f)
    if other:
        raise ConfigError(_several(other, used=want))


def _several(found: dict[Path | None, list[str]], used: Path | None | bool = False) -> str:
    parts = [] if used is False else [f"本次所用为 {escape_text(str(used)) if used else '无配置文件'}"]
    for file, paths in found.items():
        where = escape_text(str(file)) if file else "无配置文件"
        shown = "、".join(escape_text(p) for p in paths[:3]) + (f" 等 {len(paths)} 个" if len(paths) > 3 else "")
        parts.append(f"{where}：{shown}")
    return ("被排查的文件分属不同的配置文件，一次排查只用一个配置：" + "；".join(parts)
            + "。请分别排查各个文件夹，或用 --config 指定一个配置用于全部文件（--isolated 则不用配置）")


def load_config_file(path: str | Path) -> Config:
    """``--config FILE``: a ``fairreview.toml`` or a ``pyproject.toml`` with a ``[tool.fairreview]`` table."""
    p = Path(path).absolute()
    if not p.is_file():
        raise ConfigError(f"配置文件不存在：{escape_text(str(path))}")
    cfg = _load(p, table="fairreview" if p.name == "pyproject.toml" else None)
    if cfg.path is None:
        raise ConfigError(f"配置文件 {escape_text(str(p))} 中没有 [tool.fairreview] 表")
    cfg.origin = GIVEN
    return cfg


def default_database(paths: Sequence[str | Path], config: Config | None = None) -> Path:
    """Where the review database is when none is chosen: beside the configuration file, else the nearest
    existing ``.fairreview/review.db`` at or above the scanned paths, else the user's data folder.

    Decisions are keyed by the document's content (hash, sketch, title and 文号), never by its path, so the
    user's one database recognises a document wherever it lies and whichever folder is scanned."""
    if config is not None and config.path is not None:
        return config.path.parent / PROJECT_DB
    found: set[Path] = set()
    for p in paths or [Path.cwd()]:
        here = _anchor(p).resolve()
        near = next((d / PROJECT_DB for d in (here, *here.parents) if (d / PROJECT_DB).is_file()), None)
        if near is not None:
            found.add(near)
    if len(found) == 1:
        return found.pop()
    if len(found) > 1:
        shown = "、".join(escape_text(str(f)) for f in sorted(found))
        raise ConfigError(f"被排查的文件夹各有自己的复核数据库（{shown}）：请分别排查，或用 --db 指定一个")
    return user_data_dir() / "review.db"


def user_data_dir() -> Path:
    """``$FAIRREVIEW_DATA_DIR``, else the platform's user data folder (``~/.local/share/fairreview``,
    ``%LOCALAPPDATA%\\fairreview``)."""
    own = os.environ.get(ENV_DATA_DIR)
    if own:
        return Path(own).expanduser()
    return Path(platformdirs.user_data_dir("fairreview", appauthor=False))


def _load(path: Path, table: str | None) -> Config:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"配置文件 {path} 无法读取：{exc}") from exc
    if table is not None:
        data = data.get("tool", {}).get(table, {})
        if not data:
            return Config()
    elif set(data) == {"tool"} and isinstance(data["tool"].get("fairreview"), dict):
        data = data["tool"]["fairreview"]  # [tool.fairreview] copied from a pyproject.toml works here too
    where = f"{path} [tool.fairreview]" if table else str(path)
    unknown = set(data) - KEYS
    if unknown:
        raise ConfigError(
            f"配置文件 {where} 含有未知的键：{', '.join(sorted(unknown))}（可用：{', '.join(sorted(KEYS))}）"
        )
    _validate_lists(path, where, data)
    _validate_values(where, data)
    return Config(path, data)


def _validate_lists(path: Path, where: str, data: dict[str, Any]) -> None:
    for key in ("select", "ignore", "extend-lexicons", "exclude"):
        if key in data and not (isinstance(data[key], list) and all(isinstance(x, str) for x in data[key])):
            raise ConfigError(f"配置文件 {where}：{key} 应为字符串列表，例如 {key} = [\"ME\", \"FL3\"]")
    for key in ("select", "ignore"):
        bad = [x for x in data.get(key, []) if not PREFIX_RE.match(x.strip())]
        if bad:
            raise ConfigError(
                f"配置文件 {where}：{key} 中的 {', '.join(bad)} 不是规则代码或代码前缀（如 ME、FL3、CO201）"
            )
    for pattern in data.get("exclude", []):
        why = pattern_problem(pattern)
        if why:
            raise ConfigError(f"配置文件 {where}：exclude 中的 {pattern!r} 不是有效的 gitignore 模式（{why}）")
    for folder in data.get("extend-lexicons", []):
        if not (path.parent / folder).exists():
            raise ConfigError(
                f"配置文件 {where}：extend-lexicons 中的 {folder} 不存在（相对于 {path.parent}）"
            )


def _validate_values(where: str, data: dict[str, Any]) -> None:
    seg = data.get("segmenter")
    if seg is not None and seg not in SEGMENTERS:
        raise ConfigError(f"配置文件 {where}：segmenter 应为 {' / '.join(SEGMENTERS)}，而不是 {seg!r}")
    size = data.get("max-size")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 1):
        raise ConfigError(f"配置文件 {where}：max-size 应为正整数（MB），而不是 {size!r}")
    timeout = data.get("timeout")
    if timeout is not None and (not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0):
        raise ConfigError(f"配置文件 {where}：timeout 应为正数（每个文件的秒数），而不是 {timeout!r}")
    memory = data.get("memory-limit")
    if memory is not None and (not isinstance(memory, int) or isinstance(memory, bool) or memory < MIN_MEMORY_MB):
        raise ConfigError(f"配置文件 {where}：memory-limit 应为不小于 {MIN_MEMORY_MB} 的整数（MB），而不是 {memory!r}")
    for key in ("pkuseg-model", "db", "cache-dir", "reviewer"):
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            raise ConfigError(f"配置文件 {where}：{key} 应为非空字符串")


# -- settings ---------------------------------------------------------------------------------------------
def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for item in values for v in item.split(",") if v.strip())


def _as_of(value: str | None) -> str:
    if value is None:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise SettingsError(f"--as-of 日期格式应为 YYYY-MM-DD，而不是 {value!r}") from None


def resolve_config(given: Overrides, paths: Sequence[str | Path] | None = None) -> Config:
    """The configuration of a run: none (``--isolated``), the given file (``--config``), or the one found
    from the scanned paths (default: the current folder)."""
    if given.isolated:
        return Config(origin=ISOLATED)
    if given.config:
        return load_config_file(given.config)
    return find_config(list(paths) if paths else None)


def load_settings(overrides: Overrides | None = None, config: Config | None = None,
                  paths: Sequence[str | Path] | None = None) -> Settings:
    """Given values over the configuration over defaults. The configuration is ``config`` when given, else
    the one :func:`resolve_config` finds for ``paths`` (the files and folders to scan; default: the
    current folder, as ``fairreview scan .``).

    ``select``/``ignore`` replace the configured lists; ``lexicons`` and ``exclude`` are added to the
    configured ones.
    """
    given = overrides or Overrides()
    for pattern in given.exclude:
        why = pattern_problem(pattern)
        if why:
            raise SettingsError(f"--exclude {pattern!r} 不是有效的 gitignore 模式（{why}）")
    cfg = config if config is not None else resolve_config(given, paths)
    model = local_model(given.pkuseg_model) if given.pkuseg_model else None
    if model is None and cfg.get("pkuseg-model") and cfg.path is not None:
        model = local_model(cfg.get("pkuseg-model"), f"配置文件 {cfg.path}：pkuseg-model ", base=cfg.path.parent)
    chosen_db = str(Path(given.db).absolute()) if given.db else cfg.path_value("db")
    workspace = Workspace(
        config=str(cfg.path) if cfg.path else None,
        config_origin=cfg.origin,
        cache_dir=given.cache_dir,
        db=chosen_db,
        default_db=None if chosen_db else str(default_database(list(paths or []), cfg)),
        reviewer=given.reviewer,
        configured_reviewer=cfg.get("reviewer"),
        ignored_keys=("cache-dir",) if cfg.get("cache-dir") is not None else (),
    )
    return Settings(
        select=_split(given.select) or tuple(cfg.get("select", ())),
        ignore=_split(given.ignore) or tuple(cfg.get("ignore", ())),
        lexicon_dirs=tuple(cfg.paths("extend-lexicons")) + tuple(str(Path(p).resolve()) for p in given.lexicons),
        segmenter=given.segmenter or cfg.get("segmenter", "auto"),
        pkuseg_model=model,
        as_of=_as_of(given.as_of),
        max_bytes=(given.max_size_mb or cfg.get("max-size") or DEFAULT_MAX_BYTES // MB) * MB,
        exclude=tuple(cfg.get("exclude", ())) + _lexicon_excludes(cfg) + tuple(given.exclude),
        exclude_root=str(cfg.path.parent) if cfg.path else None,
        workspace=workspace,
        budget=Budget(timeout_s=float(given.timeout_s or cfg.get("timeout") or DEFAULT_TIMEOUT_S),
                      memory_mb=int(given.memory_mb or cfg.get("memory-limit") or DEFAULT_MEMORY_MB)),
    )


def _lexicon_excludes(cfg: Config) -> tuple[str, ...]:
    """The configuration's own lexicon folders are not documents (a district keeps them beside its files)."""
    if cfg.path is None:
        return ()
    root = cfg.path.parent.resolve()
    out = []
    for folder in cfg.paths("extend-lexicons"):
        try:
            rel = Path(folder).relative_to(root).as_posix()
        except ValueError:
            continue
        out.append(f"/{rel}/" if Path(folder).is_dir() else f"/{rel}")
    return tuple(out)


#: what a pkuseg model folder holds (spacy-pkuseg's own format, as the shipped model in data/segmenter)
MODEL_FILES = ("features.msgpack", "weights.npz")


def local_model(value: str, where: str = "--pkuseg-model ", base: Path | None = None) -> str:
    """A pkuseg model given by name: a folder on this machine holding a model, as an absolute path.

    spacy-pkuseg takes a bare name it knows (``news``, ``web``, ``medicine``, …) as an order to download that
    model from the internet; a scan never goes online, so a name is only ever a path here, and one that is not a
    model folder is an error before anything is loaded. ``base``: the folder a relative path is relative to
    (the configuration file's; default the current folder)."""
    path = ((base or Path.cwd()) / Path(value).expanduser()).resolve()
    if not path.is_dir():
        raise SettingsError(
            f"{where}{value}：不是本机上的模型文件夹。分词模型只能是随包发布的模型（不指定即可）或本机上的 pkuseg "
            f"模型文件夹（含 {'、'.join(MODEL_FILES)}）；fairreview 排查时不联网，不会下载模型")
    missing = [f for f in MODEL_FILES if not (path / f).is_file()]
    if missing:
        raise SettingsError(f"{where}{value}：文件夹 {path} 中缺少 {'、'.join(missing)}，不是 pkuseg 模型")
    return str(path)


def unmatched_prefixes(select: tuple[str, ...] | list[str], codes: list[str]) -> list[str]:
    """``select`` prefixes that match no loaded rule: a typo there would silently switch the review off."""
    return [s for s in select if not any(c.startswith(s.strip().upper()) for c in codes)]
