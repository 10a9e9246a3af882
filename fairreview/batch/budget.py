"""What one document may cost, enforced in the process that analyses it: a wall-clock deadline and a memory limit
(:class:`~fairreview.settings.Budget`; defaults and how they were chosen: docs/scale.md).

- **Time**: :func:`deadline` arms ``ITIMER_REAL`` in the worker; when it fires, :class:`DocumentTimeout` unwinds the
  analysis wherever it is in Python code, so ``finally`` blocks run: a converter's process group is killed and its
  temporary folder removed. It is a ``BaseException``, so no reader's ``except Exception`` can swallow it. Code that
  does not return to Python (a native library looping) is killed from outside by the pool (:mod:`.local`) a grace
  period later.
- **Memory**: :func:`limit_memory` caps the worker's address space (``RLIMIT_AS``, which bounds its resident
  memory too) at the budget — or, for a replacement forked from a parent that has since grown close to it, at its
  size when ready plus :data:`MIN_HEADROOM_MB`. An allocation beyond it fails: Python raises ``MemoryError`` (a
  per-document error), a native library may abort (the pool reports the process's end); either way the run goes
  on.

A worker whose document went over budget is replaced, never reused: what was interrupted may have left state
half-built.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

try:
    import resource
except ImportError:  # pragma: no cover - Windows: no address-space limit
    resource = None  # type: ignore[assignment]

MB = 1024 * 1024
#: room a worker always gets above its own size when it starts, whatever the budget
MIN_HEADROOM_MB = 256


class DocumentTimeout(BaseException):
    """The document's deadline passed (raised by the timer in the process analysing it)."""


class Stop(BaseException):
    """The scan that started this worker tells it to stop (SIGTERM): unwind, so converters die with it."""


def _seconds(value: float) -> str:
    return f"{value:g}"


def timeout_message(seconds: float) -> str:
    return (f"分析超时（超过 {_seconds(seconds)} 秒），已停止分析此文件；文件可能已损坏或是恶意构造的"
            f"（时限可用 --timeout 或配置 timeout 调整）")


def memory_message(mb: int) -> str:
    return (f"分析所需内存超过上限（{mb} MB），已停止分析此文件；疑似压缩炸弹或文件已损坏"
            f"（上限可用 --memory-limit 或配置 memory-limit 调整）")


def crash_message(exitcode: int | None, memory_mb: int | None) -> str:
    """A worker ended while it held this document (a native library aborted or crashed)."""
    how = ""
    if exitcode is not None and exitcode < 0:
        try:
            how = f"信号 {signal.Signals(-exitcode).name}；"
        except ValueError:
            how = f"信号 {-exitcode}；"
    elif exitcode:
        how = f"退出码 {exitcode}；"
    memory = f"可能需要超过 {memory_mb} MB 内存，或" if memory_mb else ""
    return (f"分析该文件的进程意外退出（{how}文件{memory}触发了解析库的缺陷），已跳过；请人工查看此文件")


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Raise :class:`DocumentTimeout` in the body after ``seconds`` of wall-clock time. Only the main thread of a
    process can take signals: elsewhere (a caller's thread) this does nothing."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise DocumentTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def vm_size() -> int | None:
    """This process's address space in bytes (Linux), or None."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def limit_memory(mb: int | None) -> int | None:
    """Cap this process's address space at ``mb`` MB (at least its present size plus :data:`MIN_HEADROOM_MB`);
    the limit set, or None where the system cannot say how large the process is (the limit is then not set)."""
    size = vm_size()
    if not mb or size is None or resource is None:
        return None
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = max(mb * MB, size + MIN_HEADROOM_MB * MB)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return limit


_WORKER_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def block_interrupts() -> Iterator[None]:
    """Hold Ctrl-C (and SIGTERM) back while a worker is started: the child inherits the blocked mask and
    unblocks it once its own handlers are in place (:func:`on_stop`); here a Ctrl-C that came meanwhile is
    delivered when the block ends, never lost."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _WORKER_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def on_stop() -> None:
    """In a worker: SIGTERM raises :class:`Stop`; SIGINT (Ctrl-C reaches every process of the terminal's group)
    is left to the scan that started it, which stops its workers itself."""

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise Stop()

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, stop)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _WORKER_SIGNALS)
