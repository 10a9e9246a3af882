"""One document's analysis, wherever it runs (this process, a worker process, a Dask worker)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..match.lexicon import Lexicon, LexiconError
from ..match.segmenter import SegmenterError
from ..model import DocumentResult
from ..pipeline import Engine, unreadable
from ..read.files import read_bytes
from ..settings import Settings

CRASHED = "分析该文件的进程意外退出（文件可能触发了解析库的缺陷），已跳过；请人工查看此文件"
#: Errors that are the run's fault, not one document's: they end the scan (exit code 2 in the CLI).
FATAL = (LexiconError, SegmenterError, MemoryError)


@dataclass
class Outcome:
    """A result plus what the cache needs to know about it."""

    result: DocumentResult
    cacheable: bool = True  # not for read errors (may be transient) or a crashed analysis


@dataclass
class Task:
    """A document to analyse: its place in the walk, its path and its size (largest go first)."""

    index: int
    path: str
    size: int


def analyse_document(engine: Engine, path: str, data: bytes | str | None = None, name: str | None = None) -> Outcome:
    """Analyse one document: ``data`` is its bytes, a read error message, or None to read ``path`` here;
    ``name`` the file name its format is judged by (default: the path's)."""
    if data is None:
        data = read_bytes(path, engine.settings.max_bytes)
    if isinstance(data, str):
        return Outcome(unreadable(path, data, engine.settings.as_of), cacheable=False)
    try:
        analysis = engine.analyse_bytes(data, path, name)
    except FATAL:
        raise
    except Exception as exc:  # one document's bug must not end a province-wide run
        error = f"分析时发生内部错误（{type(exc).__name__}: {exc}）"
        sha = hashlib.sha256(data).hexdigest()
        return Outcome(unreadable(path, error, engine.settings.as_of, sha), cacheable=False)
    return Outcome(analysis.result)


@dataclass(frozen=True)
class EngineSpec:
    """What a worker needs to build the same Engine as the parent: the settings and the parsed rules.

    ``lexicon`` is the unselected lexicon, or an Engine's selected one (selecting again keeps the same rules;
    only the version label, which results do not carry, changes). ``token`` identifies the spec on workers.
    """

    settings: Settings
    lexicon: Lexicon
    token: str
    package: str = ""  # cache.package_digest() where the run started: workers must run the same code

    def build(self) -> Engine:
        return Engine(self.settings, lexicon=self.lexicon)
