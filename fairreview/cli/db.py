"""``fairreview db check`` and ``fairreview db backup FILE``: the review database itself.

The work is in :mod:`fairreview.review.db_tools`; this only resolves the database and prints.
"""

from __future__ import annotations

import sys

import click

from ..escapes import screen_name
from ..review.db_tools import COUNTED, backup_database, check_database
from ..review.store import StoreError
from ..settings import Settings
from .options import (
    EXIT_CLEAN,
    EXIT_FAILURE,
    config_options,
    db_option,
    documents_argument,
    fail,
    pass_settings,
)


@click.group("db")
def db() -> None:
    """复核数据库：检查完整性、备份（如复制到 U 盘）。"""


@db.command("check")
@documents_argument("folder", required=False, default=".", type=click.Path(exists=True))
@db_option
@config_options
@pass_settings
def check(folder: str, settings: Settings) -> None:
    """检查复核数据库：是否完好，有多少复核记录、复核人，最后修改时间。损坏时退出码为 2。

    FOLDER 是待审文件所在的文件夹（默认当前文件夹）：检查它的复核数据库（见 docs/configuration.md）。
    """
    try:
        summary = check_database(settings.workspace.db_path)
    except StoreError as exc:
        fail(str(exc))
    for line in summary.lines():
        click.echo(line)
    if not summary.ok:
        click.echo("错误：复核数据库已损坏，请用备份替换它（fairreview db backup 所写的文件）", err=True)
    sys.exit(EXIT_CLEAN if summary.ok else EXIT_FAILURE)


@db.command("backup")
@click.argument("file", type=click.Path())
@documents_argument("folder", required=False, default=".", type=click.Path(exists=True))
@db_option
@config_options
@pass_settings
def backup(file: str, folder: str, settings: Settings) -> None:
    """把复核数据库完整备份到 FILE（文件或文件夹）；先写临时文件并校验，再替换，原有备份不会被写坏。

    FOLDER 是待审文件所在的文件夹（默认当前文件夹）：备份它的复核数据库（见 docs/configuration.md）。
    """
    try:
        result = backup_database(settings.workspace.db_path, file)
    except StoreError as exc:
        fail(str(exc))
    what = "，".join(f"{name} {result.counts[t]}" for t, name in COUNTED)
    click.echo(f"已备份到 {screen_name(str(result.target))}（{what}；已校验）")
    sys.exit(EXIT_CLEAN)
