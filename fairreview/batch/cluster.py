"""Documents on a Dask cluster (``pip install 'fairreview[dask]'``, ``fairreview scan --dask tcp://host:8786``).

Workers receive the document **bytes**, not paths. The client reads every file anyway (to hash it for the
cache), workers then need no shared filesystem and no access to the reviewer's folders, and a result is
always about exactly the bytes that were hashed. The cost is that all bytes pass through the client:
about 20 KB per regulation, so a 300 000-document provincial stock is ~6 GB over the client's network
link, which is minutes, not hours. Bytes are read lazily and at most ``2 × worker threads`` batches are in
flight, so the client's memory does not grow with the corpus.

The rules travel with the work: the selected lexicon is scattered to every worker once (workers need
fairreview installed, not the lexicon folders). Each worker process builds its Engine once per run and
keeps it (:func:`_engine`). Custom pkuseg models (``--pkuseg-model``) must exist at the same path on the
workers; the shipped model is package data.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..cache import package_digest
from ..read.files import read_bytes
from ..settings import Settings
from .work import EngineSpec, Outcome, analyse_document, unreadable

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client

    from ..pipeline import Engine

#: A task carries up to this many documents or bytes: fewer scheduler round trips, still fine-grained.
BATCH_DOCS = 16
BATCH_BYTES = 4 * 1024 * 1024

_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def _engine(spec: EngineSpec) -> Engine:
    """One Engine per worker process and run (threads of a worker share it)."""
    with _LOCK:
        engine = _ENGINES.get(spec.token)
        if engine is None:
            if spec.package and spec.package != package_digest():
                raise ClusterError("Dask 工作节点上的 fairreview 与发起排查的机器不同（版本、代码或数据文件），"
                                   "结果将不一致：请在所有节点安装同一版本")
            _ENGINES.clear()  # a new run (other rules or settings) replaces the old Engine
            engine = _ENGINES[spec.token] = spec.build()
        return engine


def _scan_batch(spec: EngineSpec, batch: list[tuple[int, str, bytes]]) -> list[tuple[int, Outcome]]:
    engine = _engine(spec)
    return [(index, _analyse(engine, path, data)) for index, path, data in batch]


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


def _batches(items: list[tuple[int, str]], settings: Settings,
             errors: list[tuple[int, Outcome]]) -> Iterator[list[tuple[int, str, bytes]]]:
    batch: list[tuple[int, str, bytes]] = []
    size = 0
    for index, path in items:
        data = read_bytes(path, settings.max_bytes)
        if isinstance(data, str):  # unreadable here: no worker could do better
            errors.append((index, Outcome(unreadable(path, data, settings.as_of), cacheable=False)))
            continue
        batch.append((index, path, data))
        size += len(data)
        if len(batch) >= BATCH_DOCS or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def run_on_dask(client: Client, spec: EngineSpec, items: list[tuple[int, str]],
                settings: Settings) -> Iterator[tuple[int, Outcome]]:
    """(index, outcome) for every item, as batches complete (the caller restores the order)."""
    from distributed import as_completed  # optional dependency: fairreview[dask]

    [spec_future] = client.scatter([spec], broadcast=True, hash=False)
    window = max(2, 2 * sum(client.nthreads().values()))
    errors: list[tuple[int, Outcome]] = []
    batches = _batches(items, settings, errors)
    running: Any = as_completed()
    for batch in batches:
        running.add(client.submit(_scan_batch, spec_future, batch, pure=False))
        if running.count() >= window:
            break
    try:
        for future in running:
            yield from future.result()
            future.release()
            yield from _drain(errors)
            nxt = next(batches, None)
            if nxt is not None:
                running.add(client.submit(_scan_batch, spec_future, nxt, pure=False))
        yield from _drain(errors)
    finally:
        spec_future.release()


def _drain(errors: list[tuple[int, Outcome]]) -> Iterator[tuple[int, Outcome]]:
    while errors:
        yield errors.pop()
