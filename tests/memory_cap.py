"""A cap on the test process's address space while one input is read in-process.

The scan's workers have a memory budget (fairreview.batch.budget); a test that calls a reader directly has
none, so a reader that runs away with memory would grow until the machine's OOM killer ends the whole test
run, seed and report lost. Under the cap it raises MemoryError at once, and the test fails with its input.
"""

from __future__ import annotations

import resource
from collections.abc import Iterator
from contextlib import contextmanager

MB = 2**20


def _vm_size() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmSize:"))


@contextmanager
def memory_cap(headroom_mb: int) -> Iterator[None]:
    """Allow ``headroom_mb`` MB of address space beyond what the process holds now, then restore the limit.
    A converter started meanwhile inherits the cap (LibreOffice runs within 2 GB)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _vm_size() + headroom_mb * MB
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
