"""The run options of ``fairreview scan``: jobs, cache, progress, Dask. Kept apart so cli.py stays thin."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from .model import Report
from .run import Runner
from .settings import Settings


def run_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                     help="并行进程数，默认为 CPU 核数（文件很少时自动只用 1 个）")(f)
    f = click.option("--no-cache", is_flag=True, help="不读取也不写入结果缓存")(f)
    f = click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
                     help="结果缓存目录（默认为环境变量 FAIRREVIEW_CACHE_DIR，否则 ~/.cache/fairreview）")(f)
    f = click.option("-q", "--quiet", is_flag=True, help="不显示进度条")(f)
    f = click.option("--dask", "dask_address", metavar="ADDRESS", default=None,
                     help="在已有的 Dask 集群上排查，如 tcp://10.0.0.5:8786（需安装 fairreview[dask]）")(f)
    return f


def _fail(message: str) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(2)


def make_runner(settings: Settings, paths: list[str], no_cache: bool = False, cache_dir: str | None = None,
                **_: Any) -> Runner:
    """A command-line scan's runner: cache on unless ``--no-cache``; folder from the option, else
    $FAIRREVIEW_CACHE_DIR or the per-user default (never from a config file found above the working folder)."""
    from .cache import config_cache_dir_ignored
    from .config import find_config

    config = find_config()
    if config.get("cache-dir") is not None:
        _warn(config_cache_dir_ignored(config.path))
    if no_cache:
        return Runner(settings, warn=_warn)
    return Runner(settings, cache=True, cache_dir=cache_dir, warn=_warn, paths=paths)


def _warn(message: str) -> None:
    click.echo(message, err=True)


def run_scan(runner: Runner, paths: list[str], jobs: int | None = None, quiet: bool = False,
             dask_address: str | None = None, **_: Any) -> Report:
    if dask_address is None:
        return runner.scan(paths, jobs=jobs, progress=not quiet)
    from .distributed import connect

    try:
        client = connect(dask_address)
    except RuntimeError as exc:
        _fail(str(exc))
        raise
    with client:
        try:
            return runner.scan(paths, progress=not quiet, dask_client=client)
        except RuntimeError as exc:  # e.g. workers with another fairreview
            _fail(str(exc))
            raise
