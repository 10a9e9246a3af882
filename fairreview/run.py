"""A scan over many documents: which results come from the cache, which are computed, and where.

The per-document unit stays :meth:`Engine.analyse_bytes` (bytes + path + lexicon + settings → result).
Around it this module adds

- the cache (:mod:`fairreview.cache`): files are read and hashed first, hits never touch an Engine, so an
  unchanged re-scan neither parses the lexicon nor imports a segmenter;
- local parallelism: ``jobs`` worker processes, each with one Engine (inherited from the parent under
  ``fork``, built once by the pool initializer under ``spawn``), fed largest documents first;
- Dask (:mod:`fairreview.distributed`) for runs beyond one machine.

Whatever the route, results are put back in walk order, so the report is the same as a serial run's.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .cache import (
    CacheError,
    ResultCache,
    default_cache_dir,
    lexicon_key,
    package_digest,
    run_key,
    selection_key,
    summarize,
)
from .conclude import conclude
from .match.lexicon import Lexicon, LexiconError, load
from .match.segmenter import SegmenterError
from .model import DocumentResult, Report
from .progress import Progress
from .read.files import read_bytes, walk
from .settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from concurrent.futures import Future

    from distributed import Client

    from .pipeline import Engine

#: Fewer documents than this per worker process do not pay for starting the pool.
MIN_DOCS_PER_JOB = 8
#: Documents queued per worker process: enough to keep it busy, few enough to keep memory flat.
IN_FLIGHT = 4
CRASHED = "分析该文件的进程意外退出（文件可能触发了解析库的缺陷），已跳过；请人工查看此文件"
#: Errors that are the run's fault, not one document's: they end the scan (exit code 2 in the CLI).
FATAL = (LexiconError, SegmenterError, MemoryError)


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


# -- one document, wherever it runs ------------------------------------------------------------------------
@dataclass
class Outcome:
    """A result plus what the cache needs to know about it."""

    result: DocumentResult
    cacheable: bool = True  # not for read errors (may be transient) or a crashed analysis


def read_error_result(path: str, error: str, as_of: str) -> DocumentResult:
    """A document that could not be read at all (as :meth:`Engine.scan_file` reports it)."""
    doc = DocumentResult(path=path, error=error)
    conclude(doc, None, as_of)
    return doc


def analyse_document(engine: Engine, path: str, data: bytes | str | None = None) -> Outcome:
    """Analyse one document: ``data`` is its bytes, a read error message, or None to read ``path`` here."""
    if data is None:
        data = read_bytes(path, engine.settings.max_bytes)
    if isinstance(data, str):
        return Outcome(read_error_result(path, data, engine.settings.as_of), cacheable=False)
    try:
        analysis = engine.analyse_bytes(data, path)
    except FATAL:
        raise
    except Exception as exc:  # one document's bug must not end a province-wide run
        doc = DocumentResult(path=path, sha256=hashlib.sha256(data).hexdigest(),
                             error=f"分析时发生内部错误（{type(exc).__name__}: {exc}）")
        conclude(doc, None, engine.settings.as_of)
        return Outcome(doc, cacheable=False)
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
        from .pipeline import Engine

        return Engine(self.settings, lexicon=self.lexicon)


# -- local worker processes ----------------------------------------------------------------------------------
_WORKER_ENGINE: Engine | None = None


def _init_worker(spec: EngineSpec | None) -> None:
    global _WORKER_ENGINE
    if spec is not None:  # spawn: build it here; fork: inherited from the parent
        _WORKER_ENGINE = spec.build()


def _work(task: tuple[int, str]) -> tuple[int, Outcome]:
    assert _WORKER_ENGINE is not None
    index, path = task
    return index, analyse_document(_WORKER_ENGINE, path)


def _start_method() -> str:
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    # fork shares the parent's Engine (automaton, segmenter) page by page; macOS libraries fork badly
    return "fork" if "fork" in methods and sys.platform.startswith("linux") else "spawn"


@dataclass
class Task:
    index: int
    path: str
    size: int


# -- the run ---------------------------------------------------------------------------------------------
class Runner:
    """One scan configuration: settings, rules, cache. Builds the Engine only when a document needs it."""

    def __init__(self, settings: Settings | None = None, engine: Engine | None = None, *, cache: bool = False,
                 cache_dir: str | Path | None = None, warn: Callable[[str], None] | None = None,
                 paths: list[str] | None = None):
        self.settings = engine.settings if engine is not None else (settings or Settings())
        self.warn = warn or (lambda msg: print(msg, file=sys.stderr))
        self._engine = engine
        self._base: Lexicon | None = None
        self._lexicon: Lexicon | None = engine.lexicon if engine is not None else None
        self._run_key: str | None = None
        self._summary: dict[str, Any] | None = None
        self.cache_dir: Path | None = None
        if cache or cache_dir is not None:
            self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self._store: ResultCache | None = None
        self._closed = False
        if paths is not None:
            self.exclude_scanned(paths)

    def exclude_scanned(self, paths: list[str]) -> None:
        """Never create or use a cache folder that the scan of ``paths`` would walk into."""
        if self.cache_dir is not None and _inside_scanned(self.cache_dir, paths):
            self.warn(f"提示：缓存目录 {self.cache_dir} 位于被排查的文件夹内，本次不使用缓存")
            self.cache_dir = None
            if self._store is not None:
                self._store.close()
                self._store = None

    @property
    def store(self) -> ResultCache | None:
        """The cache, opened on first use (a cache that cannot be opened is reported once and skipped)."""
        if self._store is None and self.cache_dir is not None and not self._closed:
            try:
                self._store = ResultCache(self.cache_dir)
            except CacheError as exc:
                self.warn(f"提示：{exc}")
                self.cache_dir = None
        return self._store

    # rules and engine, lazily
    def _base_lexicon(self) -> Lexicon:
        if self._base is None:
            key = lexicon_key(self.settings) if self.store is not None else ""
            base = self.store.get_lexicon(key) if self.store is not None else None
            if base is None:
                base = load(list(self.settings.lexicon_dirs))
                if self.store is not None:
                    self.store.put_lexicon(key, base)
            self._base = base
        return self._base

    @property
    def lexicon(self) -> Lexicon:
        """The selected rules."""
        if self._lexicon is None:
            base = self._base_lexicon()
            self._lexicon = base.select(list(self.settings.select), list(self.settings.ignore))
        return self._lexicon

    @property
    def summary(self) -> dict[str, Any]:
        """Version label, codes and fingerprint of the selected rules; from the cache when it has them, so
        a re-scan that finds every result cached never unpickles or parses the rules."""
        if self._summary is None:
            if self._lexicon is None and self.store is not None:
                key = selection_key(self.settings)
                self._summary = self.store.get_summary(key)
                if self._summary is None:
                    self._summary = self._summarize()
                    self.store.put_summary(key, self._summary)
            else:
                self._summary = self._summarize()
        return self._summary

    def _summarize(self) -> dict[str, Any]:
        from .pipeline import segmenter_id

        segmenter = self._engine.segmenter_id if self._engine is not None else segmenter_id(self.settings)
        return {**summarize(self.lexicon), "segmenter": segmenter}

    @property
    def rule_codes(self) -> list[str]:
        return list(self.summary["codes"])

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from .pipeline import Engine  # the analysis modules load only when a document needs them

            self._engine = Engine(self.settings, lexicon=self._base_lexicon())
        return self._engine

    @property
    def segmenter(self) -> str:
        if self._engine is not None:
            return self._engine.segmenter_id
        return str(self.summary["segmenter"])

    @property
    def run_key(self) -> str:
        if self._run_key is None:
            self._run_key = run_key(self.settings, self.summary["fingerprint"], self.segmenter)
        return self._run_key

    def spec(self) -> EngineSpec:
        rules = self._engine.lexicon if self._engine is not None else self._base_lexicon()
        return EngineSpec(self.settings, rules, self.run_key, package_digest())

    def report(self, documents: list[DocumentResult]) -> Report:
        if self._engine is not None:
            return self._engine.report(documents)
        version = self.summary["version"]
        return Report(__version__, version, self.segmenter, documents, as_of=self.settings.as_of)

    # the scan
    def scan(self, paths: list[str], *, jobs: int | None = 1, progress: bool = False,
             dask_client: Client | None = None) -> Report:
        entries = [(e.path, e.error) for e in walk(list(paths))]
        self.exclude_scanned(paths)
        store = self.store
        as_of = self.settings.as_of
        docs: list[DocumentResult | None] = [None] * len(entries)
        todo: list[Task] = []
        bar = Progress(len(entries), enabled=progress)
        try:
            for i, (path, error) in enumerate(entries):
                if error is not None:
                    docs[i] = read_error_result(path, error, as_of)
                    bar.advance()
                    continue
                if store is None:
                    todo.append(Task(i, path, _size(path)))
                    continue
                data = read_bytes(path, self.settings.max_bytes)
                if isinstance(data, bytes):
                    hit = store.get(self.run_key, path, hashlib.sha256(data).hexdigest(), as_of)
                    if hit is not None:
                        docs[i] = hit
                        bar.advance()
                        continue
                todo.append(Task(i, path, len(data)))
            for index, outcome in self._compute(todo, jobs, dask_client):
                docs[index] = outcome.result
                if store is not None and outcome.cacheable:
                    store.put(self.run_key, outcome.result, as_of)
                bar.advance()
        finally:
            bar.close()
            if store is not None:
                store.flush()
        assert all(d is not None for d in docs)
        return self.report(docs)  # type: ignore[arg-type]

    def _compute(self, todo: list[Task], jobs: int | None,
                 dask_client: Client | None) -> Iterator[tuple[int, Outcome]]:
        if not todo:
            return
        if dask_client is not None:
            from .distributed import run_on_dask

            yield from run_on_dask(dask_client, self.spec(), [(t.index, t.path) for t in todo], self.settings)
            return
        # Largest first: the long documents start early instead of ending the run on one busy core.
        order = sorted(todo, key=lambda t: (-t.size, t.index))
        workers = min(jobs or available_cores(), len(todo) // MIN_DOCS_PER_JOB)
        if workers <= 1:
            engine = self.engine
            for t in order:
                yield t.index, analyse_document(engine, t.path)
            return
        yield from self._pool(order, workers)

    def _pool(self, order: list[Task], workers: int) -> Iterator[tuple[int, Outcome]]:
        """Worker processes, at most ``IN_FLIGHT`` documents each queued (memory stays flat at any scale).

        A worker that dies (a native reader library crashing on a hostile file) breaks the pool: the
        documents it may have held are then run again one at a time in a fresh one-process pool, and the one
        that kills its process again is reported as an error; the scan goes on.
        """
        global _WORKER_ENGINE
        import multiprocessing  # imported here: a re-scan served from the cache never needs it
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
        from concurrent.futures.process import BrokenProcessPool

        method = _start_method()
        ctx = multiprocessing.get_context(method)
        spec: EngineSpec | None = None
        if method == "fork":
            _WORKER_ENGINE = self.engine  # the children inherit it, built once
            if any(p.word for r in self.engine.lexicon.rules for p in r.patterns):
                # a rule needs word boundaries: load the segmenter once here, the workers share its pages
                getattr(self.engine.matcher, "segmenter", None)
        else:
            spec = self.spec()
        pending: deque[Task] = deque(order)
        suspects: deque[Task] = deque()
        try:
            while pending or suspects:
                isolate = bool(suspects)
                queue = suspects if isolate else pending
                size = 1 if isolate else workers
                broken: list[Task] = []
                with ProcessPoolExecutor(size, mp_context=ctx, initializer=_init_worker,
                                         initargs=(spec,)) as pool:
                    inflight: dict[Future[tuple[int, Outcome]], Task] = {}
                    while (queue or inflight) and not broken:
                        while queue and len(inflight) < size * IN_FLIGHT:
                            t = queue.popleft()
                            inflight[pool.submit(_work, (t.index, t.path))] = t
                        done, _ = wait(inflight, return_when=FIRST_COMPLETED)
                        for future in done:
                            task = inflight.pop(future)
                            try:
                                result = future.result()
                            except BrokenProcessPool:
                                broken.append(task)
                                continue
                            yield result
                    broken.extend(inflight.values())
                if broken and isolate:  # alone in its process and it died again: this document is the cause
                    for t in broken:
                        yield t.index, Outcome(read_error_result(t.path, CRASHED, self.settings.as_of),
                                               cacheable=False)
                elif broken:
                    suspects.extend(sorted(broken, key=lambda t: t.index))
        finally:
            _WORKER_ENGINE = None

    def close(self) -> None:
        self._closed = True
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _inside_scanned(directory: Path, paths: list[str]) -> bool:
    """The cache folder would be walked (and its files reported) by this scan."""
    target = directory.resolve()
    for p in paths:
        root = Path(p).resolve()
        if not root.is_dir():
            continue
        try:
            rel = target.relative_to(root)
        except ValueError:
            continue
        if not any(part.startswith(".") for part in rel.parts):  # the walk skips hidden folders
            return True
    return False


def scan_paths(paths: list[str], settings: Settings | None = None, engine: Engine | None = None, *,
               jobs: int | None = 1, cache: bool = False, cache_dir: str | Path | None = None,
               progress: bool = False, dask_client: Any = None) -> Report:
    """Scan files and folders. ``jobs`` worker processes (None: one per core); ``cache`` / ``cache_dir`` reuse
    results of unchanged files; ``dask_client`` runs the documents on a Dask cluster. The report is the
    same whichever options are used."""
    with Runner(settings, engine, cache=cache, cache_dir=cache_dir) as runner:
        return runner.scan(list(paths), jobs=jobs, progress=progress, dask_client=dask_client)
