"""Local configuration: ``fairreview.toml`` or ``[tool.fairreview]`` in ``pyproject.toml``.

Looked up from the working directory upwards; command-line options override it. Keys: ``select``,
``ignore``, ``extend-lexicons`` (folders, relative to the config file), ``segmenter``, ``pkuseg-model``,
``db``, ``max-size``, ``cache-dir``, ``reviewer``. docs/configuration.md documents them for users.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KEYS = {"select", "ignore", "extend-lexicons", "segmenter", "pkuseg-model", "db", "max-size", "cache-dir",
        "reviewer"}
SEGMENTERS = ("auto", "pkuseg", "char")
PREFIX_RE = re.compile(r"^[A-Za-z]{1,4}\d{0,3}$")  # a rule code or a prefix of one: ME, FL3, CO201


class ConfigError(ValueError):
    pass


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


def find_config(start: Path | None = None) -> Config:
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
    _validate(path, where, data)
    return Config(path, data)


def _validate(path: Path, where: str, data: dict[str, Any]) -> None:
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
    seg = data.get("segmenter")
    if seg is not None and seg not in SEGMENTERS:
        raise ConfigError(f"配置文件 {where}：segmenter 应为 {' / '.join(SEGMENTERS)}，而不是 {seg!r}")
    size = data.get("max-size")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 1):
        raise ConfigError(f"配置文件 {where}：max-size 应为正整数（MB），而不是 {size!r}")
    for key in ("pkuseg-model", "db", "cache-dir", "reviewer"):
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            raise ConfigError(f"配置文件 {where}：{key} 应为非空字符串")


def unmatched_prefixes(select: tuple[str, ...] | list[str], codes: list[str]) -> list[str]:
    """``select`` prefixes that match no loaded rule: a typo there would silently switch the review off."""
    return [s for s in select if not any(c.startswith(s.strip().upper()) for c in codes)]
