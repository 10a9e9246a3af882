"""The command line: a thin layer over the library. One module per command group; ``options.py`` holds
what they share (exit codes like ruff: 0 clean, 1 findings, 2 failure); ``scanning.py`` is how a command
scans (the one runner of :mod:`fairreview.batch`)."""

from __future__ import annotations

import click

from ..version import __version__
from . import zh
from .db import db
from .lexicon import lexicon
from .review import baseline, decide, ledger, review
from .rule import rule_command
from .scan import scan
from .show import show
from .text import text_command

zh.install()  # click's own messages (usage, errors) in Chinese


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="fairreview")
def main() -> None:
    """fairreview：规范性文件公平竞争审查（离线、可复现）。"""


for _command in (scan, lexicon, rule_command, show, review, decide, ledger, baseline, text_command, db):
    main.add_command(_command)
