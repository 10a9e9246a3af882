"""Worker processes on this machine: every document is analysed in a child process, within the budget of
:class:`~fairreview.settings.Budget` (:mod:`.budget`), also when there is one worker (``--jobs 1``, a scan of a
few files, ``show``, ``text``).

Why a child for one document too, rather than a timer in the caller's process: a signal can only interrupt the
main thread, and only between two steps of Python code — a native reader (pdfium, zlib, lxml) stuck in one call
never sees it — and a memory limit or a crashing native library would hit the caller's own process (a reviewer's
terminal session, or a service that imports fairreview). A child costs a fork (milliseconds: the Engine is
shared page by page) and, when one of its sentences needs word boundaries, loading the segmenter there (0.5 s),
never here. Where no child can be started (a daemonic process, e.g. inside another pool), :func:`run_here` runs the
documents in this process with the deadline only, and only in the main thread.

The pool hands each worker its next document while it works on one (two in its pipe at most), so it always knows
which document a worker holds and since when (a worker takes the next the moment it sends a result):

- the worker's own timer stops the document at the deadline (converters killed, temporary copies removed) and
  the worker reports it and exits; a worker still busy ``grace`` seconds later is killed from here;
- a worker that dies holding a document (a native library crashed, or aborted on the memory limit) is replaced
  and the document tried once more in a fresh worker; if it dies again, it is reported;
- a worker that went over budget is always replaced; the scan goes on;
- on every way out (the end, an error, Ctrl-C) the workers are stopped: SIGTERM makes each unwind (its
  converter's process group killed, temporary copies removed), SIGKILL follows for any still there.

Under ``fork`` the children inherit the parent's Engine (rules, automaton) page by page; under ``spawn``
the job builds it from an :class:`EngineSpec`.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import os
import pickle
import sys
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from ..settings import Budget
from .budget import (
    DocumentTimeout,
    Stop,
    block_interrupts,
    crash_message,
    deadline,
    limit_memory,
    memory_message,
    on_stop,
)
from .budget import timeout_message as timed_out

if TYPE_CHECKING:  # pragma: no cover
    from multiprocessing.connection import Connection
    from multiprocessing.context import BaseContext
    from multiprocessing.process import BaseProcess

#: seconds a worker has, after its deadline, to report (its converter killed, its temporary folder removed)
GRACE_MAX_S = 5.0
#: seconds the workers have to stop on the way out before they are killed
STOP_WAIT_S = 3.0
#: documents sent to a worker at a time: the one it works on and the next, already in its pipe
PREFETCH = 2


class Job(Protocol):
    """What a worker does: ``start()`` runs once in the child (building what it needs) and returns the function
    applied to each item. The job and the items travel to the child: under ``spawn`` the job must pickle, the
    items always."""

    def start(self) -> Callable[[Any], Any]: ...


@dataclass(frozen=True)
class Failure:
    """A document that went over its budget or whose worker died: the Chinese reason."""

    message: str


@dataclass(frozen=True)
class _Fatal:
    """The run's own error in a worker (rules or segmenter unusable): raised again here."""

    error: BaseException


class Item(Protocol):
    """A document to run (``work.Task``): its place in the caller's list and its path."""

    @property
    def index(self) -> int: ...
    @property
    def path(self) -> str: ...


ItemT = TypeVar("ItemT", bound=Item)


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


def can_start_workers() -> bool:
    """False in a daemonic process (multiprocessing forbids it children)."""
    import multiprocessing

    return not multiprocessing.current_process().daemon


def grace(budget: Budget) -> float:
    return min(GRACE_MAX_S, max(1.0, 0.1 * budget.timeout_s))


# -- in the worker ------------------------------------------------------------------------------------------
def _child(conn: Connection, job: Job, budget: Budget) -> None:
    on_stop()
    faulthandler.disable()  # a native crash here is reported by the pool, not dumped on the user's terminal
    try:
        work = job.start()
        limit_memory(budget.memory_mb)
        while (item := _next_item(conn)) is not None:
            value, keep = _one(work, item, budget)
            if not _send(conn, (item.index, value, keep)) or not keep:  # over budget: a fresh process takes the next
                return
    except Stop:
        return
    except Exception as exc:  # the run's own error (the rules, the segmenter): the parent raises it
        if not _send(conn, (-1, _Fatal(exc), False)):
            _send(conn, (-1, _Fatal(RuntimeError(f"{type(exc).__name__}: {exc}")), False))  # it did not pickle


def _next_item(conn: Connection) -> Any:
    """The next document, or None: told to stop, or the scan is gone."""
    try:
        return conn.recv()
    except (EOFError, OSError):
        return None


def _send(conn: Connection, message: tuple[int, Any, bool]) -> bool:
    try:
        conn.send(message)
    except (OSError, ValueError, TypeError, AttributeError, RecursionError, pickle.PicklingError):
        return False
    return True


def _one(work: Callable[[Any], Any], item: Any, budget: Budget) -> tuple[Any, bool]:
    try:
        with deadline(budget.timeout_s):
            return work(item), True
    except DocumentTimeout:
        return Failure(timed_out(budget.timeout_s)), False
    except MemoryError:
        return Failure(memory_message(budget.memory_mb)), False


# -- here ---------------------------------------------------------------------------------------------------
@dataclass
class _Worker(Generic[ItemT]):
    process: BaseProcess
    conn: Connection
    # the documents sent to it, in order: the first is the one it works on (since ``since``), the next waits in
    # the pipe so that the worker never idles while its last result travels back
    items: deque[ItemT] = field(default_factory=deque)
    since: float = 0.0
    leaving: bool = False  # it said it ends after its document: no new one for it

    @property
    def current(self) -> ItemT | None:
        return self.items[0] if self.items else None


class Pool(Generic[ItemT]):
    """``size`` worker processes running ``job`` over items, each within ``budget``."""

    def __init__(self, ctx: BaseContext, size: int, job: Job, budget: Budget):
        self.ctx, self.size, self.job, self.budget = ctx, size, job, budget
        self.workers: list[_Worker[ItemT]] = []
        self.queue: deque[ItemT] = deque()
        self.retried: set[int] = set()

    def _start(self) -> _Worker[ItemT]:
        here, there = self.ctx.Pipe()
        process = self.ctx.Process(target=_child, args=(there, self.job, self.budget), daemon=True)  # type: ignore[attr-defined]
        with block_interrupts(), _frozen():  # the child ignores Ctrl-C from its first instruction; here it waits
            process.start()
        there.close()
        return _Worker(process, here)

    def _assign(self) -> None:
        while self.queue and sum(not w.leaving for w in self.workers) < self.size:
            self.workers.append(self._start())
        for depth in range(1, PREFETCH + 1):  # every idle worker gets a document before any gets a second
            for w in self.workers:
                if self.queue and len(w.items) < depth and not w.leaving and w.process.is_alive():
                    self._send(w, self.queue.popleft())

    def _send(self, w: _Worker[ItemT], item: ItemT) -> None:
        if not w.items:
            w.since = time.monotonic()
        w.items.append(item)
        with contextlib.suppress(OSError):  # it died meanwhile: found below, the document tried again
            w.conn.send(item)

    def run(self, items: Sequence[ItemT]) -> Iterator[tuple[ItemT, Any]]:
        """(item, value or :class:`Failure`) for every item, as they complete."""
        from multiprocessing.connection import wait

        self.queue.extend(items)
        while self.queue or any(w.items for w in self.workers):
            self._assign()
            busy = [w for w in self.workers if w.items]
            limit = self.budget.timeout_s + grace(self.budget)
            timeout = max(0.0, min(w.since + limit for w in busy) - time.monotonic()) if busy else None
            wait([w.conn for w in busy] + [w.process.sentinel for w in self.workers], timeout)
            for w in list(self.workers):
                yield from self._check(w, limit)

    def _check(self, w: _Worker[ItemT], limit: float) -> Iterator[tuple[ItemT, Any]]:
        while w.items and _poll(w.conn):
            if not (yield from self._receive(w)):
                break
        if not w.process.is_alive():
            self._retire(w)
            yield from self._died(w, w.process.exitcode)
        elif w.items and time.monotonic() - w.since > limit:  # stuck where no signal reaches it
            w.process.kill()
            self._retire(w)
            stuck = w.items.popleft()
            self._requeue(w)
            yield stuck, Failure(timed_out(self.budget.timeout_s))

    def _receive(self, w: _Worker[ItemT]) -> Generator[tuple[ItemT, Any], None, bool]:
        """One result from ``w``; False when nothing more can come from it now."""
        try:
            _index, value, keep = w.conn.recv()
        except (EOFError, OSError):
            return False  # it died while writing: handled as a death
        if isinstance(value, _Fatal):
            raise value.error
        item = w.items.popleft()
        w.since, w.leaving = time.monotonic(), not keep  # the next one in its pipe starts now
        yield item, value
        return keep

    def _died(self, w: _Worker[ItemT], exitcode: int | None) -> Iterator[tuple[ItemT, Any]]:
        """A worker ended: the document it was working on is to blame (unless it left after a result, as a worker
        over budget does); the ones waiting in its pipe go back to the queue."""
        if w.leaving or not w.items:
            self._requeue(w)
            return
        item = w.items.popleft()
        self._requeue(w)
        if item.index not in self.retried:  # once more, in a fresh process: the death may not be its fault
            self.retried.add(item.index)
            self.queue.appendleft(item)
            return
        yield item, Failure(crash_message(exitcode, self.budget.memory_mb))

    def _requeue(self, w: _Worker[ItemT]) -> None:
        self.queue.extendleft(reversed(w.items))
        w.items.clear()

    def _retire(self, w: _Worker[ItemT]) -> None:
        w.process.join(timeout=1)
        w.conn.close()
        self.workers.remove(w)

    def close(self) -> None:
        """Stop every worker: idle ones are told to, busy ones get SIGTERM (they unwind), then SIGKILL."""
        for w in self.workers:
            if not w.items:
                with contextlib.suppress(OSError):
                    w.conn.send(None)
            else:
                with contextlib.suppress(OSError):
                    w.process.terminate()
        end = time.monotonic() + STOP_WAIT_S
        for w in self.workers:
            w.process.join(timeout=max(0.0, end - time.monotonic()))
            if w.process.is_alive():
                w.process.kill()
                w.process.join(timeout=1)
            w.conn.close()
        self.workers.clear()


@contextlib.contextmanager
def _frozen() -> Iterator[None]:
    """Around a fork: what the parent holds (the Engine, every module) is moved out of the garbage collector's
    reach for the child (``gc.freeze``), so the child's collections never walk those objects — walking them
    writes to every page they are on, and copying those pages cost a worker 15 ms at its start and again at every
    full collection. The parent takes them back at once (``gc.unfreeze``); the child keeps them frozen."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _poll(conn: Connection) -> bool:
    try:
        return conn.poll()
    except (EOFError, OSError):
        return False


def run_pool(items: Sequence[ItemT], workers: int, job: Job, budget: Budget, method: str | None = None
             ) -> Iterator[tuple[ItemT, Any]]:
    """(item, value or :class:`Failure`) for every item, as they complete, from ``workers`` processes."""
    import multiprocessing

    pool: Pool[ItemT] = Pool(multiprocessing.get_context(method or start_method()), workers, job, budget)
    try:
        yield from pool.run(items)
    finally:
        pool.close()


def run_here(items: Sequence[ItemT], job: Job, budget: Budget) -> Iterator[tuple[ItemT, Any]]:
    """The same in this process (no child can be started here): the deadline only, in the main thread only."""
    work = job.start()
    for item in items:
        value, _keep = _one(work, item, budget)
        yield item, value
