"""One document's analysis, wherever it runs (this process, a worker process, a Dask worker). The pipeline is
imported where a document is analysed: the runner imports this module for :class:`Task` also on a re-scan
served from the cache."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..match.lexicon_files import LexiconError
from ..match.segmenter import SegmenterError
from ..model import DocumentResult
from ..read import Extracted, ReadError
from ..read.files import read_bytes
from ..settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from ..match.lexicon import Lexicon
    from ..pipeline import Engine

#: Errors that are the run's fault, not one document's: they end the scan (exit code 2 in the CLI). A
#: MemoryError is one document's (it went over the memory budget): the pool reports it (batch/budget.py).
FATAL = (LexiconError, SegmenterError)


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
    data: bytes | None = None  # its bytes, when there is no file to read them from (standard input)
    name: str | None = None  # the file name its format is judged by (default: the path's)


def unreadable(path: str, error: str, as_of: str, sha256: str | None = None) -> DocumentResult:
    """:func:`fairreview.pipeline.unreadable`, imported when a document needs it."""
    from .. import pipeline

    return pipeline.unreadable(path, error, as_of, sha256)


def analyse_document(engine: Engine, path: str, data: bytes | str | None = None, name: str | None = None) -> Outcome:
    """Analyse one document: ``data`` is its bytes, a read error message, or None to read ``path`` here;
    ``name`` the file name its format is judged by (default: the path's)."""
    if data is None:
        data = read_bytes(path, engine.settings.max_bytes)
    if isinstance(data, str):
        return Outcome(unreadable(path, data, engine.settings.as_of), cacheable=False)
    try:
        analysis = engine.analyse_bytes(data, path, name)
    except (*FATAL, MemoryError):
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
        from ..pipeline import Engine

        return Engine(self.settings, lexicon=self.lexicon)


@dataclass(frozen=True)
class AnalyseJob:
    """A worker that analyses documents (batch/local.py): with an ``engine`` (fork: the child inherits it) or a
    ``spec`` to build one from (spawn)."""

    engine: Engine | None = None
    spec: EngineSpec | None = None

    def start(self) -> Callable[[Task], Outcome]:
        engine = self.engine
        if engine is None:
            assert self.spec is not None
            engine = self.spec.build()
        built = engine
        return lambda task: analyse_document(built, task.path, task.data, task.name)


@dataclass(frozen=True)
class TextJob:
    """A worker that reads documents' text (``fairreview text``): the text as a scan reads it, or a Chinese
    error."""

    max_bytes: int

    def start(self) -> Callable[[Task], Extracted | str]:
        return self.read

    def read(self, task: Task) -> Extracted | str:
        from ..pipeline import extract_file
        from ..read import extract  # here: a re-scan served from the cache imports no reader

        try:
            if task.data is not None:  # bytes the caller has already read (and checked)
                return extract(task.data, task.name or os.path.basename(task.path))
            return extract_file(task.path, self.max_bytes)
        except ReadError as exc:
            return str(exc)
        except MemoryError:
            raise
        except Exception as exc:  # a reader bug: this file's error, not the command's
            return f"读取时发生内部错误（{type(exc).__name__}: {exc}）"
