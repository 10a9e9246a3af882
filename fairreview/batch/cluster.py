"""Documents on a Dask cluster (``pip install 'fairreview[dask]'``, ``fairreview scan --dask tcp://host:8786``).

Workers receive the document **bytes**, not paths. The client reads every file anyway (to hash it for the
cache), workers then need no shared filesystem and no access to the reviewer's folders, and a result is
always about exactly the bytes that were hashed. The cost is that all bytes pass through the client:
about 20 KB per regulation, so a 300 000-document provincial stock is ~6 GB over the client's network
link, which is minutes, not hours. Bytes are read lazily and at most ``2 × worker threads`` batches are in
flight, so the client's memory does not grow with the corpus.

The rules travel with the work: the selected lexicon goes to every worker once, in a worker plugin that the
scheduler also gives to a worker started in place of one that died (:mod:`.dask_rules`; workers need fairreview
installed, not the lexicon folders). Each worker process builds its Engine once per run and keeps it
(:func:`_engine`).

Each document has the time of the budget (``--timeout``): a Dask task runs in a worker's thread, which no signal
can stop, so the analysis runs in a thread of its own that is waited for; past its time the document is reported,
the worker is restarted by its nanny and the rest of its batch is sent again. A batch whose worker died (the
nanny's ``--memory-limit``, a crashing reader) is sent again one document at a time; a document whose worker
dies under it alone is reported. Memory is the nanny's to limit. Custom pkuseg models (``--pkuseg-model``) must exist at the same path on the
workers; the shipped model is package data.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..cache import package_digest
from ..read.files import read_bytes
from ..settings import Settings
from .budget import timeout_message
from .work import EngineSpec, Outcome, analyse_document, unreadable

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client

    from ..pipeline import Engine

#: A task carries up to this many documents or bytes: fewer scheduler round trips, still fine-grained.
BATCH_DOCS = 16
BATCH_BYTES = 4 * 1024 * 1024

_ENGINES: dict[str, Engine] = {}
_KEEP_ENGINES = 2  # runs of two analysts at once share a worker without rebuilding each other's Engine
_LOCK = threading.Lock()


def _engine(token: str) -> Engine:
    """One Engine per worker process and run (threads of a worker share it), from the run's rules plugin."""
    with _LOCK:
        engine = _ENGINES.get(token)
        if engine is None:
            from .dask_rules import spec_on_this_worker

            spec = spec_on_this_worker(token)
            if spec.package and spec.package != package_digest():
                raise ClusterError("Dask 工作节点上的 fairreview 与发起排查的机器不同（版本、代码或数据文件），"
                                   "结果将不一致：请在所有节点安装同一版本")
            while len(_ENGINES) >= _KEEP_ENGINES:  # the oldest run's Engine makes room (dicts keep order)
                _ENGINES.pop(next(iter(_ENGINES)))
            engine = _ENGINES[spec.token] = spec.build()
        return engine


@dataclass
class BatchResult:
    """What a worker sends back for a batch: the outcomes, and — when a document ran past its time — the
    documents it did not start (sent again, to another worker) and its own address (to be restarted: the thread
    stuck on that document cannot be stopped from inside the process)."""

    outcomes: list[tuple[int, Outcome]]
    undone: list[tuple[int, str]] = field(default_factory=list)
    restart: str | None = None


def _scan_batch(token: str, batch: list[tuple[int, str, bytes]]) -> BatchResult:
    engine = _engine(token)
    seconds = engine.settings.budget.timeout_s
    done = BatchResult([])
    for n, (index, path, data) in enumerate(batch):
        outcome = _within_time(engine, path, data, seconds)
        if outcome is None:  # past its time: reported, and this worker is replaced
            error = timeout_message(seconds)
            done.outcomes.append((index, Outcome(unreadable(path, error, engine.settings.as_of), cacheable=False)))
            done.undone = [(i, p) for i, p, _ in batch[n + 1:]]
            done.restart = _worker_address()
            break
        done.outcomes.append((index, outcome))
    return done


def _within_time(engine: Engine, path: str, data: bytes, seconds: float) -> Outcome | None:
    """The document's outcome, or None when it is not done in ``seconds``. A Dask task runs in a worker's
    thread, where no signal can interrupt it: the analysis runs in a thread of its own that is waited for."""
    box: list[Outcome | BaseException] = []

    def work() -> None:
        try:
            box.append(_analyse(engine, path, data))
        except BaseException as exc:  # a run's error (the rules, the segmenter) ends the scan, as locally
            box.append(exc)

    thread = threading.Thread(target=work, name=f"fairreview:{path}", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        return None
    result = box[0]
    if isinstance(result, BaseException):
        raise result
    return result


def _worker_address() -> str | None:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):  # not on a Dask worker (called directly)
        return None


def _analyse(engine: Engine, path: str, data: bytes) -> Outcome:
    """One document on a Dask worker: out of memory there is this document's error, as on this machine (the
    worker's memory limit is Dask's own, docs/scale.md)."""
    try:
        return analyse_document(engine, path, data)
    except MemoryError:
        error = "分析所需内存超过 Dask 工作节点的可用内存，已停止分析此文件；疑似压缩炸弹或文件已损坏"
        return Outcome(unreadable(path, error, engine.settings.as_of), cacheable=False)


class ClusterError(RuntimeError):
    """Dask is missing, unreachable, or its workers run other code; the message is Chinese."""


def connect(address: str) -> Client:
    """A client for an existing scheduler, with a Chinese error when Dask is missing or unreachable."""
    try:
        from distributed import Client  # optional dependency: fairreview[dask]
    except ImportError as exc:
        raise ClusterError("未安装 Dask：请先 pip install 'fairreview[dask]'") from exc
    try:
        return Client(address, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"无法连接 Dask 调度器 {address}：{exc}") from exc


def _batches(items: list[tuple[int, str]], settings: Settings, errors: list[tuple[int, Outcome]],
             size: int = BATCH_DOCS) -> Iterator[list[tuple[int, str, bytes]]]:
    batch: list[tuple[int, str, bytes]] = []
    nbytes = 0
    for index, path in items:
        data = read_bytes(path, settings.max_bytes)
        if isinstance(data, str):  # unreadable here: no worker could do better
            errors.append((index, Outcome(unreadable(path, data, settings.as_of), cacheable=False)))
            continue
        batch.append((index, path, data))
        nbytes += len(data)
        if len(batch) >= size or nbytes >= BATCH_BYTES:
            yield batch
            batch, nbytes = [], 0
    if batch:
        yield batch


def run_on_dask(client: Client, spec: EngineSpec, items: list[tuple[int, str]],
                settings: Settings) -> Iterator[tuple[int, Outcome]]:
    """(index, outcome) for every item, as batches complete (the caller restores the order).

    A batch whose worker died (Dask gave up after its retries: memory over the nanny's limit, a crash) is
    sent again one document at a time, and a document whose worker died alone is reported; a worker that
    held a document past its time is restarted, and the documents of its batch it did not start are sent
    again."""
    from .dask_rules import RulesPlugin, plugin_name

    client.register_plugin(RulesPlugin(spec))
    try:
        yield from _DaskRun(client, spec.token, settings).run(items)
    finally:
        with contextlib.suppress(Exception):  # the cluster may be gone; the next run replaces the plugin anyway
            client.unregister_worker_plugin(plugin_name(spec.token))


class _DaskRun:
    """One run's batches in flight. When a worker dies, every task it held fails with it, the innocent ones
    queued behind the document that killed it too: the documents of those batches become *suspects* and are
    then run one at a time with nothing else in flight, so that a worker dying now names its document."""

    def __init__(self, client: Client, token: str, settings: Settings):
        from distributed import as_completed  # optional dependency: fairreview[dask]

        self.client, self.token, self.settings = client, token, settings
        self.running: Any = as_completed()
        self.sent: dict[Any, list[tuple[int, str]]] = {}
        self.suspects: list[tuple[int, str]] = []
        self.isolated: int | None = None  # the suspect running alone
        self.errors: list[tuple[int, Outcome]] = []

    def submit(self, batch: list[tuple[int, str, bytes]]) -> None:
        future = self.client.submit(_scan_batch, self.token, batch, pure=False)
        self.sent[future.key] = [(i, p) for i, p, _ in batch]
        self.running.add(future)

    def run(self, items: list[tuple[int, str]]) -> Iterator[tuple[int, Outcome]]:
        window = max(2, 2 * sum(self.client.nthreads().values()))
        batches = _batches(items, self.settings, self.errors)
        for batch in batches:
            self.submit(batch)
            if self.running.count() >= window:
                break
        while True:
            for future in self.running:
                yield from self.collect(future)
                yield from _drain(self.errors)
                if not self.suspects:
                    nxt = next(batches, None)
                    if nxt is not None:
                        self.submit(nxt)
            if not self.suspects:
                break
            one = self.suspects.pop(0)  # nothing is in flight now
            self.isolated = one[0]
            for batch in _batches([one], self.settings, self.errors):
                self.submit(batch)
        yield from _drain(self.errors)

    def collect(self, future: Any) -> Iterator[tuple[int, Outcome]]:
        work = self.sent.pop(future.key)
        try:
            done: BatchResult = future.result()
        except _worker_died():
            if len(work) == 1 and work[0][0] == self.isolated:
                index, path = work[0]
                self.errors.append((index, Outcome(unreadable(path, WORKER_DIED, self.settings.as_of),
                                                   cacheable=False)))
            else:
                self.suspects.extend(work)
            return
        finally:
            future.release()
        yield from done.outcomes
        if done.restart is not None:
            _restart(self.client, done.restart)
        for batch in _batches(done.undone, self.settings, self.errors):
            self.submit(batch)


def _worker_died() -> type[BaseException]:
    from distributed import KilledWorker

    return KilledWorker


#: a document alone on a worker that died under it (as many times as the scheduler allows)
WORKER_DIED = ("分析此文件时 Dask 工作进程终止（内存超过工作节点的上限，或读取库崩溃），已停止分析此文件；"
               "疑似压缩炸弹或文件已损坏")


def _restart(client: Client, address: str) -> None:
    """Replace a worker whose thread is stuck on a document (its nanny starts a fresh process). Without a
    nanny (a worker started with --no-nanny, or a cluster of threads), or when it is gone already, the scan
    goes on: the stuck thread then costs that worker a thread until it ends."""
    with contextlib.suppress(Exception):
        client.restart_workers([address], timeout=60)


def _drain(errors: list[tuple[int, Outcome]]) -> Iterator[tuple[int, Outcome]]:
    while errors:
        yield errors.pop()
