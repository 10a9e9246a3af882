"""``fairreview show FILE``: every finding of one document in full (the detail view)."""

from __future__ import annotations

import sys

import click

from ..escapes import for_screen, json_escaped
from ..jsoncodec import pretty as pretty_json
from ..report.details import render_document
from ..settings import Settings
from . import scanning
from .options import EXIT_CLEAN, EXIT_FINDINGS, RunOptions, documents_argument, scan_options


@click.command()
@documents_argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式")
@scan_options
def show(file: str, fmt: str, settings: Settings, run: RunOptions) -> None:
    """逐条列出一个文件的全部发现：位置、条款、命中词、规则、法律原文、修改建议和类似案例。"""
    report, _ = scanning.scan((file,), settings, run)
    (doc,) = report.documents
    if fmt == "json":
        click.echo(json_escaped(doc.to_dict(), pretty_json))
    else:
        click.echo(render_document(for_screen(doc), show_info=True), nl=False)
    sys.exit(EXIT_FINDINGS if doc.flagged or doc.error else EXIT_CLEAN)
