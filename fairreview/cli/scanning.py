"""How a command scans: the one runner (cache, worker processes or Dask), with the run's errors turned into
a Chinese message and exit code 2, and the reviewers' decisions applied from the database."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..batch import Runner
from ..batch.cluster import ClusterError, connect
from ..cache import config_cache_dir_ignored
from ..escapes import screen_name
from ..match.lexicon_files import LexiconError
from ..match.segmenter import SegmenterError
from ..model import Report
from ..review.reviewer import ReviewerMissing
from ..settings import STDIN, Settings, SettingsError, Workspace, unmatched_prefixes
from .options import RunOptions, fail, warn

if TYPE_CHECKING:  # pragma: no cover
    from ..review.store import Store


def scan(paths: tuple[str, ...] | list[str], settings: Settings, run: RunOptions) -> tuple[Report, Runner]:
    """The report of ``paths`` and the (closed) runner that made it (its ``lexicon`` lists the rules)."""
    for p in paths:
        if p != STDIN and not Path(p).exists() and not Path(p).is_symlink():
            fail(f"路径不存在：{screen_name(p)}")
    if list(paths).count(STDIN) > 1:
        fail("标准输入（-）只能读取一次")
    if "cache-dir" in settings.workspace.ignored_keys:
        warn(config_cache_dir_ignored(settings.workspace.config))
    runner = Runner(settings, cache=run.cache, warn=warn, paths=list(paths))
    try:
        with runner:  # the Engine is built only if a file is not cached
            unmatched = unmatched_prefixes(settings.select, runner.rule_codes)
            if unmatched:
                fail(f"select 中的 {', '.join(unmatched)} 不匹配任何规则（见 fairreview lexicon list）")
            report = _run(runner, list(paths), run)
    except (LexiconError, SegmenterError, ClusterError, SettingsError) as exc:
        fail(str(exc))
    if not report.documents:
        fail(f"未找到可审查的文件：{'、'.join(screen_name(p) for p in paths)}"
             "（文件夹为空，或其中的文件都被排除：见 --exclude 和 docs/configuration.md）")
    return report, runner


def _run(runner: Runner, paths: list[str], run: RunOptions) -> Report:
    if run.dask is None:
        return runner.scan(paths, jobs=run.jobs, progress=not run.quiet, follow_links=run.follow_links)
    with connect(run.dask) as client:
        return runner.scan(paths, progress=not run.quiet, dask_client=client, follow_links=run.follow_links)


def apply_decisions(report: Report, workspace: Workspace, decisions: bool = True, baseline: bool = True) -> None:
    """Decisions and baseline from the database, when it exists (a chosen one must)."""
    if not (decisions or baseline) or not (workspace.db_chosen or workspace.db_path.exists()):
        return  # nothing to apply: the review modules (database, fingerprints, verdict rules) stay unloaded
    from ..review.apply import apply_from_database
    from ..review.store import StoreError

    try:
        apply_from_database(report, workspace, use_decisions=decisions, use_baseline=baseline)
    except StoreError as exc:
        fail(str(exc))


@contextlib.contextmanager
def open_store(workspace: Workspace, create: bool = True) -> Iterator[Store]:
    """The review database for a command; any StoreError (opening or later) is a Chinese error, exit 2."""
    from ..review.store import Store, StoreError

    try:
        store = Store.open(workspace.db_path, create=create)
    except StoreError as exc:
        fail(str(exc))
    try:
        yield store
    except StoreError as exc:
        fail(str(exc))
    finally:
        store.close()


def reviewer_name(workspace: Workspace) -> str:
    """The reviewer's name, asked for before anything is scanned: no decision without a name (exit 2)."""
    try:
        return workspace.reviewer_name()
    except ReviewerMissing as exc:
        fail(str(exc))
