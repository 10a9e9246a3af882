"""Settings of a run, and where they come from: given values over the configuration file over defaults.

:class:`Settings` holds what, together with the file bytes and the lexicons, fully determines a result
(``to_dict`` is what the result cache keys on), plus a :class:`Workspace`: where the run keeps what it
records (result cache, review database, reviewer's name), which never changes a result.

:func:`load_settings` builds them the same way for the command line and the Python API. The configuration
file is ``fairreview.toml`` or ``[tool.fairreview]`` in ``pyproject.toml``, found by :func:`find_config`
(the one place that decides where to look). Keys: ``select``, ``ignore``, ``extend-lexicons`` (folders,
relative to the config file), ``segmenter``, ``pkuseg-model``, ``db``, ``max-size``, ``reviewer``, and
``cache-dir``, which is accepted but ignored (``Workspace.ignored_keys``). docs/configuration.md documents
them for users.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .review.reviewer import resolve_reviewer

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 100 * MB
DEFAULT_DB = Path(".fairreview") / "review.db"
KEYS = {"select", "ignore", "extend-lexicons", "segmenter", "pkuseg-model", "db", "max-size", "cache-dir",
        "reviewer"}
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
    # --cache-dir; None: $FAIRREVIEW_CACHE_DIR or the per-user default (cache.default_cache_dir). Never from
    # the configuration file: anyone who can write a parent folder of the scan could choose it.
    cache_dir: str | None = None
    db: str | None = None  # the review database when one was chosen (option or configuration)
    reviewer: str | None = None  # as given (--reviewer)
    configured_reviewer: str | None = None  # ``reviewer`` in the configuration file
    ignored_keys: tuple[str, ...] = ()  # keys of the configuration file that are read but not obeyed

    @property
    def db_path(self) -> Path:
        return Path(self.db) if self.db else DEFAULT_DB

    @property
    def db_chosen(self) -> bool:
        """A chosen database must exist; the default one is used only when it does."""
        return self.db is not None

    def reviewer_name(self) -> str:
        """The reviewer's name: given, else ``FAIRREVIEW_REVIEWER``, else configured; never the login name
        (:class:`~fairreview.review.reviewer.ReviewerMissing` when there is none)."""
        return resolve_reviewer(self.reviewer, self.configured_reviewer)


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    lexicon_dirs: tuple[str, ...] = ()
    segmenter: str = "auto"  # auto | pkuseg | char
    pkuseg_model: str | None = None
    as_of: str = field(default_factory=lambda: dt.date.today().isoformat())
    max_bytes: int = DEFAULT_MAX_BYTES
    workspace: Workspace = field(default_factory=Workspace, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The settings that determine a result (the workspace does not)."""
        d = asdict(self)
        del d["workspace"]
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
    cache_dir: str | None = None
    db: str | None = None
    reviewer: str | None = None


# -- the configuration file -------------------------------------------------------------------------------
@dataclass
class Config:
    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)

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


def find_config(start: Path | None = None) -> Config:
    """The configuration in force: the first ``fairreview.toml`` (or ``pyproject.toml`` with a
    ``[tool.fairreview]`` table) in ``start`` (default: the current folder) or a folder above it."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        own = d / "fairreview.toml"
        if own.is_file():
            return _load(own, table=None)
        py = d / "pyproject.toml"
        if py.is_file():
            cfg = _load(py, table="fairreview")
            if cfg.values:
                return cfg
    return Config()


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
    for key in ("select", "ignore", "extend-lexicons"):
        if key in data and not (isinstance(data[key], list) and all(isinstance(x, str) for x in data[key])):
            raise ConfigError(f"配置文件 {where}：{key} 应为字符串列表，例如 {key} = [\"ME\", \"FL3\"]")
    for key in ("select", "ignore"):
        bad = [x for x in data.get(key, []) if not PREFIX_RE.match(x.strip())]
        if bad:
            raise ConfigError(
                f"配置文件 {where}：{key} 中的 {', '.join(bad)} 不是规则代码或代码前缀（如 ME、FL3、CO201）"
            )
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


def load_settings(overrides: Overrides | None = None, config: Config | None = None) -> Settings:
    """Given values over the configuration (``config``, default: :func:`find_config`) over defaults.

    ``select``/``ignore`` replace the configured lists; ``lexicons`` are added to ``extend-lexicons``.
    """
    given = overrides or Overrides()
    cfg = config if config is not None else find_config()
    model = given.pkuseg_model or (cfg.paths("pkuseg-model")[0] if cfg.get("pkuseg-model") else None)
    workspace = Workspace(
        config=str(cfg.path) if cfg.path else None,
        cache_dir=given.cache_dir,
        db=given.db or cfg.path_value("db"),
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
        workspace=workspace,
    )


def unmatched_prefixes(select: tuple[str, ...] | list[str], codes: list[str]) -> list[str]:
    """``select`` prefixes that match no loaded rule: a typo there would silently switch the review off."""
    return [s for s in select if not any(c.startswith(s.strip().upper()) for c in codes)]
