"""``fairreview db check`` and ``fairreview db backup FILE``: the review database itself (registered in cli.py).

The work is in :mod:`fairreview.review.db_tools`; this only resolves the database and prints.
"""

from __future__ import annotations

import sys

import click

from .cli import EXIT_CLEAN, EXIT_FAILURE, _fail
from .cli_review import db_option, db_path
from .escapes import escape_text
from .review.store import StoreError


@click.group("db")
def db() -> None:
    """复核数据库：检查完整性、备份（如复制到 U 盘）。"""


@db.command("check")
@db_option
def check(db: str | None) -> None:
    """检查复核数据库：是否完好，有多少复核记录、复核人，最后修改时间。损坏时退出码为 2。"""
    from .review.db_tools import check_database

    path, _ = db_path(db)
    try:
        summary = check_database(path)
    except StoreError as exc:
        _fail(str(exc))
        return
    for line in summary.lines():
        click.echo(line)
    if not summary.ok:
        click.echo("错误：复核数据库已损坏，请用备份替换它（fairreview db backup 所写的文件）", err=True)
    sys.exit(EXIT_CLEAN if summary.ok else EXIT_FAILURE)


@db.command("backup")
@click.argument("file", type=click.Path())
@db_option
def backup(file: str, db: str | None) -> None:
    """把复核数据库完整备份到 FILE（文件或文件夹）；先写临时文件并校验，再替换，原有备份不会被写坏。"""
    from .review.db_tools import COUNTED, backup_database

    path, _ = db_path(db)
    try:
        result = backup_database(path, file)
    except StoreError as exc:
        _fail(str(exc))
        return
    what = "，".join(f"{name} {result.counts[t]}" for t, name in COUNTED)
    click.echo(f"已备份到 {escape_text(str(result.target))}（{what}；已校验）")
    sys.exit(EXIT_CLEAN)
