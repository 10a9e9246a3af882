"""A scan over many documents: walk → cache → local worker processes or Dask → report.

Every command that scans goes through :class:`Runner`, so all of them get the cache and ``--jobs``. The
per-document unit stays :meth:`Engine.analyse_bytes` (bytes + path + lexicon + settings → result). Around
it this module adds

- the cache (:mod:`fairreview.cache`): files are read and hashed first, hits never touch an Engine, so an
  unchanged re-scan neither parses the lexicon nor loads a segmenter;
- worker processes (:mod:`.local`): ``jobs`` of them, fed largest documents first, each document within the
  time and memory budget of ``Settings.budget`` (also with one worker: the analysis never runs in the
  caller's process, where no budget could be enforced);
- Dask (:mod:`.cluster`) for runs beyond one machine.

Whatever the route, results are put back in walk order, so the report is the same as a serial run's.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cache import (
    CacheError,
    ResultCache,
    default_cache_dir,
    lexicon_key,
    package_digest,
    run_key,
    selection_key,
    summarize,
)
from ..model import DocumentResult, Report
from ..read.files import Entry, Exclude, read_bytes, walk
from ..settings import DISCOVERED, STDIN, Settings, check_files, load_settings
from ..version import __version__
from .progress import Progress
from .work import AnalyseJob, EngineSpec, Outcome, Task, unreadable

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client

    from ..match.lexicon import Lexicon
    from ..pipeline import Engine
    from . import local

#: Fewer documents than this per worker process do not pay for starting the pool.
MIN_DOCS_PER_JOB = 8
#: The name a document read from standard input has in the report.
STDIN_NAME = "<stdin>"


@contextlib.contextmanager
def _long_lived() -> Iterator[None]:
    """Around importing the analysis and building the rules and the engine: the tens of thousands of objects made
    here live as long as the process, and each collection the garbage collector would start while they are made walks all of them again
    (49 ms of a one-file scan's CPU went to collecting, 11 ms with this pause). Not frozen (``gc.freeze``): a
    program that imports fairreview keeps its own collector as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Runner:
    """One scan configuration: settings, rules, cache. Builds the Engine only when a document needs it.

    ``cache=True`` keeps results in ``cache_dir``, else the settings' workspace cache folder, else the
    per-user default. Without ``settings`` (or an ``engine``), they are loaded for ``paths`` as the command
    line loads them (the configuration found from the documents).
    """

    def __init__(self, settings: Settings | None = None, engine: Engine | None = None, *, cache: bool = False,
                 cache_dir: str | Path | None = None, warn: Callable[[str], None] | None = None,
                 paths: list[str] | None = None, stdin: Callable[[], bytes] | None = None):
        if engine is not None:
            self.settings = engine.settings
        else:
            self.settings = settings if settings is not None else load_settings(paths=paths)
        self.stdin = stdin or (lambda: sys.stdin.buffer.read(self.settings.max_bytes + 1))
        self.warn = warn or (lambda msg: print(msg, file=sys.stderr))
        self._engine = engine
        self._base: Lexicon | None = None
        self._lexicon: Lexicon | None = engine.lexicon if engine is not None else None
        self._run_key: str | None = None
        self._summary: dict[str, Any] | None = None
        self.cache_dir: Path | None = None
        if cache or cache_dir is not None:
            chosen = cache_dir if cache_dir is not None else self.settings.workspace.cache_dir
            self.cache_dir = Path(chosen) if chosen is not None else default_cache_dir()
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

    # -- rules and engine, lazily ----------------------------------------------------------------------
    def _base_lexicon(self) -> Lexicon:
        if self._base is None:
            store = self.store
            key = lexicon_key(self.settings) if store is not None else ""
            base = store.get_lexicon(key) if store is not None else None
            if base is None:
                from ..match.lexicon import (
                    load,  # imported here: a re-scan served from the cache never needs it
                )

                base = load(list(self.settings.lexicon_dirs))
                if store is not None:
                    from ..match.prefilter import plan_needs

                    base = plan_needs(base)  # kept with the rules: read back, they need not be worked out again
                    store.put_lexicon(key, base)
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
            store = self.store
            if self._lexicon is None and store is not None:
                key = selection_key(self.settings)
                self._summary = store.get_summary(key)
                if self._summary is None:
                    self._summary = self._summarize()
                    store.put_summary(key, self._summary)
            else:
                self._summary = self._summarize()
        return self._summary

    def _summarize(self) -> dict[str, Any]:
        from ..pipeline import segmenter_id

        segmenter = self._engine.segmenter_id if self._engine is not None else segmenter_id(self.settings)
        return {**summarize(self.lexicon), "segmenter": segmenter}

    @property
    def rule_codes(self) -> list[str]:
        if self._summary is None and self.store is None:  # no cache: the rules are parsed anyway, no fingerprint
            return [r.code for r in self.lexicon.rules]
        return list(self.summary["codes"])

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with _long_lived():
                from ..pipeline import Engine

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

    # -- the scan --------------------------------------------------------------------------------------
    def scan(self, paths: list[str], *, jobs: int | None = 1, progress: bool = False,
             dask_client: Client | None = None, follow_links: bool = False) -> Report:
        """Every document under ``paths``, in walk order. ``jobs`` worker processes (None: one per core);
        ``dask_client`` runs them on a Dask cluster instead. ``-`` is a document read from standard input.
        Symbolic links that lead outside the given folders are reported, not followed, unless ``follow_links``.

        Raises :class:`~fairreview.settings.ConfigError` when the settings were found from the documents and
        a file found would, on its own, find another configuration (one scan, one configuration)."""
        entries = walk(list(paths), exclude=Exclude(self.settings.exclude, self.settings.exclude_root),
                       follow_links=follow_links)
        if self.settings.workspace.config_origin == DISCOVERED:
            check_files(self.settings.workspace.config, [e.path for e in entries])
        self.exclude_scanned(paths)
        docs: list[DocumentResult | None] = [None] * len(entries)
        bar = Progress(len(entries), enabled=progress)
        try:
            todo = self._known(entries, docs, bar)
            for index, outcome in self._compute(todo, jobs, dask_client):
                docs[index] = outcome.result
                if self.store is not None and outcome.cacheable:
                    self.store.put(self.run_key, outcome.result, self.settings.as_of)
                bar.advance()
        finally:
            bar.close()
            if self.store is not None:
                self.store.flush()
        done = [d for d in docs if d is not None]
        assert len(done) == len(docs)
        return self.report(done)

    def _known(self, entries: list[Entry], docs: list[DocumentResult | None], bar: Progress) -> list[Task]:
        """Fill in what needs no analysis (walk errors, cached results); the documents left to analyse."""
        todo: list[Task] = []
        store, as_of = self.store, self.settings.as_of
        for i, entry in enumerate(entries):
            if entry.error is not None:
                docs[i] = unreadable(entry.path, entry.error, as_of)
            elif entry.path == STDIN:
                stdin = self._stdin_task(i)
                if isinstance(stdin, Task):
                    todo.append(stdin)
                    continue
                docs[i] = stdin
            elif store is None:
                todo.append(Task(i, entry.path, _size(entry.path)))
                continue
            else:
                data = read_bytes(entry.path, self.settings.max_bytes)
                hit = None
                if isinstance(data, bytes):
                    hit = store.get(self.run_key, entry.path, hashlib.sha256(data).hexdigest(), as_of)
                if hit is None:
                    todo.append(Task(i, entry.path, len(data)))
                    continue
                docs[i] = hit
            bar.advance()
        return todo

    def _stdin_task(self, index: int) -> Task | DocumentResult:
        """The document on standard input: its bytes travel to the worker with the task (never cached)."""
        data = self.stdin()
        if len(data) > self.settings.max_bytes:
            error = f"标准输入过大（超过上限 {self.settings.max_bytes} 字节，可用 --max-size 调整）"
            return unreadable(STDIN_NAME, error, self.settings.as_of)
        return Task(index, STDIN_NAME, len(data), data=data, name=stdin_file_name(data))

    def _compute(self, todo: list[Task], jobs: int | None,
                 dask_client: Client | None) -> Iterator[tuple[int, Outcome]]:
        if not todo:
            return
        if dask_client is not None:
            here = [t for t in todo if t.data is not None]  # standard input: this machine's
            yield from self._analyse(here, 1)
            rest = [(t.index, t.path) for t in todo if t.data is None]
            from .cluster import run_on_dask

            yield from run_on_dask(dask_client, self.spec(), rest, self.settings)
            return
        from . import local  # here: a re-scan served from the cache starts no worker

        # Largest first: the long documents start early instead of ending the run on one busy core.
        order = sorted(todo, key=lambda t: (-t.size, t.index))
        yield from self._analyse(order, max(1, min(jobs or local.available_cores(), len(todo) // MIN_DOCS_PER_JOB)))

    def _analyse(self, order: list[Task], workers: int) -> Iterator[tuple[int, Outcome]]:
        if not order:
            return
        from . import local

        for task, value in self._pool(order, workers):
            if isinstance(value, local.Failure):  # over budget, or its worker died: never cached
                value = Outcome(unreadable(task.path, value.message, self.settings.as_of), cacheable=False)
            elif task.data is not None:  # standard input: no file to key a cached result on
                value = Outcome(value.result, cacheable=False)
            yield task.index, value

    def _pool(self, order: list[Task], workers: int) -> Iterator[tuple[Task, Outcome | local.Failure]]:
        from . import local

        budget = self.settings.budget
        if not local.can_start_workers():
            return local.run_here(order, AnalyseJob(self.engine), budget)
        if local.start_method() != "fork":
            return local.run_pool(order, workers, AnalyseJob(spec=self.spec()), budget, "spawn")
        # the children inherit the Engine, built once; the segmenter is not loaded here: a worker loads it when one
        # of its sentences needs word boundaries (a `word: true` pattern reached), which most scans never do
        return local.run_pool(order, workers, AnalyseJob(self.engine), budget, "fork")

    def close(self) -> None:
        self._closed = True
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def stdin_file_name(data: bytes) -> str:
    """A file name for bytes that came without one, from what they are (a piped .docx, .pdf, text …)."""
    from ..read.registry import sniff, zip_kind

    kind = sniff(data)
    if kind == "zip":
        kind = zip_kind(data) or "zip"
    ext = {"ole": "doc", "docx": "docx", "xlsx": "xlsx", "ofd": "ofd", "pdf": "pdf", "rtf": "rtf",
           "html": "html", "zip": "docx", None: "txt"}.get(kind, "txt")
    return f"stdin.{ext}"


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


def scan_paths(paths: list[str], settings: Settings | None = None, engine: Engine | None = None, *,  # noqa: PLR0913
               jobs: int | None = 1, cache: bool = False, cache_dir: str | Path | None = None,
               progress: bool = False, dask_client: Any = None, follow_links: bool = False) -> Report:
    """Scan files and folders. ``settings`` default: :func:`~fairreview.settings.load_settings` (the
    configuration file, as the command line uses it). ``jobs`` worker processes (None: one per core);
    ``cache`` / ``cache_dir`` reuse results of unchanged files; ``dask_client`` runs the documents on a Dask
    cluster; ``follow_links`` follows symbolic links out of the given folders. The report is the same
    whichever of ``jobs``, ``cache`` and ``dask_client`` is used."""
    with Runner(settings, engine, cache=cache, cache_dir=cache_dir, paths=list(paths)) as runner:
        return runner.scan(list(paths), jobs=jobs, progress=progress, dask_client=dask_client,
                           follow_links=follow_links)
