"""The text of files as a scan reads it (``fairreview text``), each read in a worker process within the
per-document budget, like a scan's documents (:mod:`.local`)."""

from __future__ import annotations

import os
from collections.abc import Iterator

from ..read import Extracted
from ..settings import Settings
from . import local
from .work import Task, TextJob


def extract_files(paths: list[str], settings: Settings) -> Iterator[tuple[str, Extracted | str]]:
    """(path, its text or a Chinese error) for each path, in order."""
    yield from _run([Task(i, p, 0) for i, p in enumerate(paths)], settings)


def extract_data(data: bytes, path: str, settings: Settings) -> Extracted | str:
    """The text of bytes already read from ``path`` (its name decides the format), or a Chinese error."""
    for _path, value in _run([Task(0, path, len(data), data=data, name=os.path.basename(path))], settings):
        return value
    return "未能读取"  # pragma: no cover - one task gives one result


def _run(tasks: list[Task], settings: Settings) -> Iterator[tuple[str, Extracted | str]]:
    job = TextJob(settings.max_bytes)
    run = (local.run_pool(tasks, 1, job, settings.budget) if local.can_start_workers()
           else local.run_here(tasks, job, settings.budget))
    for task, value in run:  # one worker: in order
        yield task.path, value.message if isinstance(value, local.Failure) else value
