"""A cap on the test process's address space while one input is read in-process.

The scan's workers have a memory budget (fairreview.batch.budget); a test that calls a reader directly has
none, so a reader that runs away with memory would grow until the machine's OOM killer ends the whole test
run, seed and report lost. Under the cap it raises MemoryError at once, and the test fails with its input.
Where the system cannot say how large the process is (no /proc, no ``resource``: Windows), nothing is capped.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

try:
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

MB = 2**20


def _vm_size() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            return next((int(line.split()[1]) * 1024 for line in fh if line.startswith("VmSize:")), None)
    except OSError:
        return None


@contextmanager
def memory_cap(headroom_mb: int) -> Iterator[None]:
    """Allow ``headroom_mb`` MB of address space beyond what the process holds now, then restore the limit.
    A converter started meanwhile inherits the cap (LibreOffice runs within 2 GB)."""
    size = _vm_size()
    if resource is None or size is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = size + headroom_mb * MB
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
