"""The command line: a thin layer over the library. One module per command group; ``options.py`` holds
what they share (exit codes like ruff: 0 clean, 1 findings, 2 failure); ``scanning.py`` is how a command
scans (the one runner of :mod:`fairreview.batch`); :func:`run` (the ``fairreview`` program) turns every way a
command can end into the documented exit code: an internal error is one Chinese line and exit 2 (the
traceback only with ``--debug`` or ``FAIRREVIEW_DEBUG=1``), Ctrl-C exit 130.

Commands are imported when they run (click's lazy group pattern): ``fairreview --version`` loads click and
nothing of the library, ``fairreview scan`` loads what a scan needs and not the review screen or the
database tools.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import io
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click

from ..escapes import screen_text
from ..version import __version__
from . import zh
from .exits import EXIT_FAILURE, EXIT_INTERRUPTED

zh.install()  # click's own messages (usage, errors) in Chinese

#: command name → (module, attribute), in the order ``--help`` lists them
COMMANDS = {
    "scan": ("scan", "scan"),
    "lexicon": ("lexicon", "lexicon"),
    "rule": ("rule", "rule_command"),
    "show": ("show", "show"),
    "review": ("review", "review"),
    "decide": ("review", "decide"),
    "ledger": ("review", "ledger"),
    "report": ("report", "report_command"),
    "baseline": ("review", "baseline"),
    "text": ("text", "text_command"),
    "db": ("db", "db"),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *(n for n in super().list_commands(ctx) if n not in COMMANDS)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, attr = COMMANDS[cmd_name]
        command: Any = getattr(importlib.import_module(f".{module}", __name__), attr)
        self.add_command(command, cmd_name)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="fairreview")
@click.option("--debug", is_flag=True, expose_value=False, is_eager=True,
              callback=lambda _ctx, _param, value: os.environ.__setitem__("FAIRREVIEW_DEBUG", "1") if value else None,
              help="内部错误时显示完整的调用栈（也可设环境变量 FAIRREVIEW_DEBUG=1）")
def main() -> None:
    """fairreview：规范性文件公平竞争审查（离线、可复现）。"""


def _say(message: str) -> None:
    try:
        sys.stderr.write(screen_text(message) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _interrupted() -> int:
    _say("已中断（Ctrl-C）：未完成的文件没有结论；已完成的结果已存入缓存，复核记录均已保存")
    return EXIT_INTERRUPTED


def _internal(exc: BaseException) -> int:
    if os.environ.get("FAIRREVIEW_DEBUG"):
        import traceback  # here: only a run that failed needs it

        traceback.print_exception(exc)
    detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
    hint = "" if os.environ.get("FAIRREVIEW_DEBUG") else "；加 --debug 重新运行可显示详细信息"
    _say(f"错误：fairreview 内部错误（{detail}），本次运行未完成{hint}。请把这一行报告给维护者")
    return EXIT_FAILURE


def _click_error(exc: BaseException) -> int:
    """Usage errors and the like, as click words them, but escaped (a name may hold control characters) and
    with exit code 2 whatever click's own."""
    assert isinstance(exc, click.ClickException)
    buf = io.StringIO()
    exc.show(file=buf)
    _say(buf.getvalue().rstrip("\n"))
    return EXIT_FAILURE


def run(args: list[str] | None = None) -> int:
    """The ``fairreview`` program: :data:`main` with the documented exit codes on every way out."""
    try:
        code = main.main(args=args, prog_name="fairreview", standalone_mode=False)
    except BaseException as exc:  # every way out becomes an exit code (SystemExit: the commands' own)
        return _exit_code(exc)
    return code if isinstance(code, int) else 0


def _exit_code(exc: BaseException) -> int:
    for kinds, handle in _WAYS_OUT:
        if isinstance(exc, kinds):
            return handle(exc)
    raise exc  # GeneratorExit and the like are not ours to turn into an exit code


def _system_exit(exc: BaseException) -> int:
    code = exc.code if isinstance(exc, SystemExit) else None
    return code if isinstance(code, int) else (EXIT_FAILURE if code else 0)


def _abort(exc: BaseException) -> int:
    # click turns Ctrl-C (and end of input at a prompt) into Abort
    return _interrupted() if isinstance(exc.__context__, KeyboardInterrupt) else EXIT_FAILURE


def _broken_pipe(_exc: BaseException) -> int:
    # the reader of our output went away (``| head``): nothing left to say
    _quiet_stdout()
    return EXIT_FAILURE


#: in order: the commands' own sys.exit(code), Ctrl-C, click's errors, a closed pipe, anything else (a bug)
_WAYS_OUT: list[tuple[type[BaseException] | tuple[type[BaseException], ...], Callable[[BaseException], int]]] = [
    (SystemExit, _system_exit),
    (KeyboardInterrupt, lambda _exc: _interrupted()),
    (click.exceptions.Abort, _abort),
    (click.ClickException, _click_error),
    (BrokenPipeError, _broken_pipe),
    (Exception, _internal),
]


def _quiet_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def entry() -> None:
    """Console-script entry point."""
    leave(run())


def leave(code: int) -> NoReturn:
    """End the program with ``code`` as the interpreter would, less its teardown: the exit handlers run and
    the streams are flushed, but the objects of the rules and the engine are not freed one by one (a quarter
    of the time of a one-file scan went there); the system takes the memory back at once. A run that left
    another thread going ends the ordinary way, which waits for it."""
    import threading

    if threading.active_count() > 1:
        sys.exit(code)
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is None:  # pragma: no cover - an interpreter without it: the ordinary way
        sys.exit(code)
    run_exit_handlers()
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (| head): nothing left to say, as _broken_pipe
        code = EXIT_FAILURE
    except (OSError, ValueError) as exc:  # the output is incomplete (a full disk): not a run that ended well
        _say(f"错误：输出未能全部写出（{exc}），本次运行未完成")
        code = EXIT_FAILURE
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(code)
