"""Worker processes on this machine, each with one Engine, at most ``IN_FLIGHT`` documents queued each
(memory stays flat at any scale).

Under ``fork`` the children inherit the parent's Engine (automaton, segmenter) page by page; under
``spawn`` the pool initializer builds it once per worker from an :class:`EngineSpec`. A worker that dies
(a native reader library crashing on a hostile file) breaks the pool: the documents it may have held are
then run again one at a time in a fresh one-process pool, and the one that kills its process again is
reported as an error; the scan goes on.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING

from ..pipeline import Engine, unreadable
from .work import CRASHED, EngineSpec, Outcome, Task, analyse_document

if TYPE_CHECKING:  # pragma: no cover
    from concurrent.futures import Future
    from multiprocessing.context import BaseContext

#: Documents queued per worker process: enough to keep it busy, few enough to keep memory flat.
IN_FLIGHT = 4

_WORKER_ENGINE: Engine | None = None


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def start_method() -> str:
    import multiprocessing  # imported here: a re-scan served from the cache never needs it

    methods = multiprocessing.get_all_start_methods()
    # fork shares the parent's Engine page by page; macOS libraries fork badly
    return "fork" if "fork" in methods and sys.platform.startswith("linux") else "spawn"


def _init_worker(spec: EngineSpec | None) -> None:
    global _WORKER_ENGINE
    if spec is not None:  # spawn: build it here; fork: inherited from the parent
        _WORKER_ENGINE = spec.build()


def _work(task: tuple[int, str]) -> tuple[int, Outcome]:
    assert _WORKER_ENGINE is not None
    index, path = task
    return index, analyse_document(_WORKER_ENGINE, path)


def run_pool(order: list[Task], workers: int, as_of: str, *, engine: Engine | None = None,
             spec: EngineSpec | None = None) -> Iterator[tuple[int, Outcome]]:
    """(index, outcome) of every task, as they complete. ``engine``: fork it; ``spec``: spawn and build."""
    global _WORKER_ENGINE
    import multiprocessing

    ctx = multiprocessing.get_context("fork" if engine is not None else "spawn")
    if engine is not None:
        _WORKER_ENGINE = engine  # the children inherit it, built once
        if any(p.word for r in engine.lexicon.rules for p in r.patterns):
            # a rule needs word boundaries: load the segmenter once here, the workers share its pages
            getattr(engine.matcher, "segmenter", None)
    pending: deque[Task] = deque(order)
    suspects: deque[Task] = deque()
    try:
        while pending or suspects:
            isolate = bool(suspects)
            broken = yield from _round(ctx, spec, suspects if isolate else pending, 1 if isolate else workers)
            if broken and isolate:  # alone in its process and it died again: this document is the cause
                for t in broken:
                    yield t.index, Outcome(unreadable(t.path, CRASHED, as_of), cacheable=False)
            elif broken:
                suspects.extend(sorted(broken, key=lambda t: t.index))
    finally:
        _WORKER_ENGINE = None


def _round(ctx: BaseContext, spec: EngineSpec | None, queue: deque[Task],
           size: int) -> Generator[tuple[int, Outcome], None, list[Task]]:
    """One pool of ``size`` processes over ``queue`` until it is empty or the pool breaks; the tasks a
    broken pool may have held."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    broken: list[Task] = []
    with ProcessPoolExecutor(size, mp_context=ctx, initializer=_init_worker, initargs=(spec,)) as pool:
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
    return broken
