"""Local configuration: ``fairreview.toml`` or ``[tool.fairreview]`` in ``pyproject.toml``.

Looked up from the working directory upwards; command-line options override it. Keys: ``select``,
``ignore``, ``extend-lexicons`` (folders, relative to the config file), ``segmenter``, ``pkuseg-model``,
``db``, ``max-size``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KEYS = {"select", "ignore", "extend-lexicons", "segmenter", "pkuseg-model", "db", "max-size", "cache-dir"}


class ConfigError(ValueError):
    pass


@dataclass
class Config:
    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def paths(self, key: str) -> list[str]:
        base = self.path.parent if self.path else Path.cwd()
        return [str((base / p).resolve()) for p in self.values.get(key, [])]


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
    unknown = set(data) - KEYS
    if unknown:
        raise ConfigError(f"配置文件 {path} 含有未知的键：{', '.join(sorted(unknown))}（可用：{', '.join(sorted(KEYS))}）")
    for key in ("select", "ignore", "extend-lexicons"):
        if key in data and not (isinstance(data[key], list) and all(isinstance(x, str) for x in data[key])):
            raise ConfigError(f"配置文件 {path}：{key} 应为字符串列表")
    return Config(path, data)
