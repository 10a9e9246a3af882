"""What every command shares: exit codes, the one way to fail, and the options, each declared once.

Options that feed the settings (rule selection, segmenter, review date, size limit, database, reviewer,
cache folder, configuration file) store what was given in the click context, and so does the argument that
names the documents (:func:`documents_argument`); :func:`pass_settings` turns that into one ``settings``
argument through :func:`fairreview.settings.load_settings` (the configuration found from the documents),
exactly as the Python API builds them, and prints once which configuration and database are used. The run
options (``--jobs``, ``--no-cache``, ``--quiet``, ``--dask``) become one ``run`` argument through
:func:`pass_run`.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

import click

from ..escapes import screen_text
from ..settings import MIN_MEMORY_MB, Overrides, SettingsError, load_settings
from .exits import EXIT_CLEAN as EXIT_CLEAN  # the codes every command uses, here with what they share
from .exits import EXIT_FAILURE as EXIT_FAILURE
from .exits import EXIT_FINDINGS as EXIT_FINDINGS

F = TypeVar("F", bound=Callable[..., Any])
_GIVEN = "fairreview.given"  # ctx.meta key: settings values given on the command line
_RUN = "fairreview.run"  # ctx.meta key: run options given
_PATHS = "fairreview.paths"  # ctx.meta key: the documents named on the command line (the settings' anchor)
_USES_DB = "fairreview.uses_db"  # ctx.meta key: the command reads or writes the review database


def fail(message: str) -> NoReturn:
    """The run failed: a Chinese message on stderr, exit code 2. Names in it are shown escaped."""
    click.echo(f"错误：{screen_text(message)}", err=True)
    sys.exit(EXIT_FAILURE)


def quiet() -> bool:
    """``--quiet`` was given: nothing but errors (and the exit code)."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get(_RUN, {}).get("quiet"))


def warn(message: str) -> None:
    """A notice on stderr (提示…); ``--quiet`` silences it, errors go through :func:`fail`. Names in it are shown
    escaped."""
    if not quiet():
        click.echo(screen_text(message), err=True)


def given_value(key: str, bucket: str = _GIVEN) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A click callback that records a given value (not a default) under ``key``."""

    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        if value not in (None, (), False):
            ctx.meta.setdefault(bucket, {})[key] = value
        return value

    return callback


def _option(*names: str, key: str, bucket: str = _GIVEN, **kw: Any) -> Callable[[F], F]:
    return click.option(*names, callback=given_value(key, bucket), expose_value=False, **kw)


def _stack(f: F, *decorators: Callable[[F], F]) -> F:
    """Apply ``decorators`` so that ``--help`` lists their options in the order given."""
    for decorate in reversed(decorators):
        f = decorate(f)
    return f


def colour_option(f: F) -> F:
    return click.option("--color/--no-color", "color", default=None,
                        help="彩色显示（默认：输出到终端时彩色；设置了环境变量 NO_COLOR 时不用彩色）")(f)


def _documents(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    ctx.meta[_PATHS] = (value,) if isinstance(value, str) else tuple(value)
    return value


def documents_argument(name: str, **kw: Any) -> Callable[[F], F]:
    """The argument naming the documents: the configuration and the database are found from them."""
    return click.argument(name, callback=_documents, **kw)


# -- settings ---------------------------------------------------------------------------------------------
def config_options(f: F) -> F:
    return _stack(
        f,
        _option("--config", key="config", type=click.Path(dir_okay=False),
                help="使用这个配置文件（fairreview.toml 或含 [tool.fairreview] 的 pyproject.toml），"
                     "不再按文件位置查找"),
        _option("--isolated", key="isolated", is_flag=True, help="不读取任何配置文件（只用命令行选项和默认值）"),
    )


def exclude_option(f: F) -> F:
    return _option("--exclude", key="exclude", multiple=True, metavar="GLOB",
                   help="不排查匹配的文件或文件夹（gitignore 写法，可重复），在默认排除项之外")(f)


def rule_options(f: F) -> F:
    return _stack(
        f,
        _option("--select", key="select", multiple=True, help="只启用这些代码前缀的规则，如 ME,FL001（可重复）"),
        _option("--ignore", key="ignore", multiple=True, help="停用这些代码前缀的规则（可重复）"),
    )


def lexicon_option(f: F) -> F:
    return _option("--lexicon", key="lexicons", multiple=True, type=click.Path(exists=True),
                   help="追加词库文件夹或文件")(f)


def segmenter_options(f: F) -> F:
    return _stack(
        f,
        _option("--segmenter", key="segmenter", type=click.Choice(["auto", "pkuseg", "char"]),
                help="分词器：auto（默认，随包发布的 pkuseg 模型）、pkuseg、char（不分词）"),
        _option("--pkuseg-model", key="pkuseg_model", metavar="FOLDER",
                help="使用本机上的另一个 pkuseg 模型文件夹（只接受本机路径，排查时不联网、不下载模型）"),
    )


def as_of_option(f: F) -> F:
    return _option("--as-of", key="as_of", help="审查基准日 YYYY-MM-DD（判断有效期和例外实施期限），默认今天")(f)


def max_size_option(f: F) -> F:
    return _option("--max-size", key="max_size_mb", type=click.IntRange(min=1),
                   help="单个文件大小上限（MB），默认 100")(f)


def _db_given(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta[_USES_DB] = True
    return given_value("db")(ctx, param, value)


def budget_options(f: F) -> F:
    """What one document may cost (docs/scale.md): a document over it is reported as unreadable, the run goes on."""
    return _stack(
        f,
        _option("--timeout", key="timeout_s", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
                help="每个文件的分析时限（秒），默认 60；超时的文件报“分析超时”，排查继续"),
        _option("--memory-limit", key="memory_mb", type=click.IntRange(min=MIN_MEMORY_MB), metavar="MB",
                help="每个分析进程的内存上限（MB），默认 1024；超出的文件报“内存超过上限”，排查继续"),
    )


def db_option(f: F) -> F:
    return click.option("--db", callback=_db_given, expose_value=False, type=click.Path(dir_okay=False),
                        help="复核数据库（默认：配置文件旁的 .fairreview/review.db，见 docs/configuration.md）")(f)


def reviewer_option(f: F) -> F:
    return _option("--reviewer", key="reviewer", help="复核人姓名（必填；也可用环境变量 FAIRREVIEW_REVIEWER 或配置 reviewer）")(f)


def pass_settings(f: F) -> F:
    """Call ``f`` with ``settings``: the given options over the configuration file over defaults."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        meta = click.get_current_context().meta
        try:
            settings = load_settings(Overrides(**meta.get(_GIVEN, {})), paths=meta.get(_PATHS))
        except SettingsError as exc:
            fail(str(exc))
        if not quiet():
            click.echo(settings.workspace.describe(db=bool(meta.get(_USES_DB))), err=True)
        return f(*args, settings=settings, **kwargs)

    return wrapper  # type: ignore[return-value]


# -- how a scan runs --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RunOptions:
    jobs: int | None = None  # None: one worker process per core
    cache: bool = True
    quiet: bool = False
    dask: str | None = None  # a Dask scheduler address
    follow_links: bool = False  # follow symbolic links out of the given folders


def _no_cache(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta.setdefault(_RUN, {})["cache"] = False
    return value


def run_options(f: F) -> F:
    return _stack(
        f,
        _option("-j", "--jobs", key="jobs", bucket=_RUN, type=click.IntRange(min=1),
                help="并行进程数，默认为 CPU 核数（文件很少时自动只用 1 个）"),
        click.option("--no-cache", is_flag=True, expose_value=False, callback=_no_cache,
                     help="不读取也不写入结果缓存"),
        _option("--cache-dir", key="cache_dir", type=click.Path(file_okay=False),
                help="结果缓存目录（默认为环境变量 FAIRREVIEW_CACHE_DIR，否则 ~/.cache/fairreview）"),
        _option("-q", "--quiet", key="quiet", bucket=_RUN, is_flag=True,
                help="安静：不显示进度、提示和报告，只输出错误（结果看退出码）"),
        _option("--dask", key="dask", bucket=_RUN, metavar="ADDRESS",
                help="在已有的 Dask 集群上排查，如 tcp://10.0.0.5:8786（需安装 fairreview[dask]）"),
        _option("--follow-links", key="follow_links", bucket=_RUN, is_flag=True,
                help="跟随指向被排查文件夹之外的符号链接（默认不跟随，并在报告中列出）"),
    )


def pass_run(f: F) -> F:
    """Call ``f`` with ``run``: the run options given."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return f(*args, run=RunOptions(**click.get_current_context().meta.get(_RUN, {})), **kwargs)

    return wrapper  # type: ignore[return-value]


def scan_options(f: F) -> F:
    """Everything a command that scans takes besides its own options: rules, segmenter, review date, size
    limit, run options; ``settings`` and ``run`` arguments. Put it directly above the function."""
    return _stack(f, as_of_option, max_size_option, budget_options, rule_options, lexicon_option, exclude_option,
                  segmenter_options, config_options, run_options, pass_settings, pass_run)

