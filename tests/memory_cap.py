"""A cap on the test process's address space while one input is read in-process.

The scan's workers have a memory budget (fairreview.batch.budget); a test that calls a reader directly has
none, so a reader that runs away with memory would grow until the machine's OOM killer ends the whole test
run, seed and report lost. Under the cap it raises MemoryError at once, and the test fails with its input.
Where the system cannot say how large the process is (no /proc, no ``resource``: Windows), nothing is capped.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fairreview.batch.budget import MB, resource, vm_size


@contextmanager
def memory_cap(headroom_mb: int) -> Iterator[None]:
    """Allow ``headroom_mb`` MB of address space beyond what the process holds now, then restore the limit.
    A converter started meanwhile inherits the cap (LibreOffice runs within 2 GB)."""
    size = vm_size()
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
