"""``fairreview text FILE…``: the text exactly as the scanner reads it, so a reviewer can see what was read
(PDF line wraps already joined, running headers and page numbers already dropped).

``--structure`` prints the clause tree instead: each clause with its location string and its span in that
text (offsets of the printed text, as in findings); ``--meta`` adds what the document says about itself.
"""

from __future__ import annotations

import sys

import click

from ..batch.texts import extract_files
from ..escapes import screen_name, screen_text
from ..report.text_view import meta_lines, structure_lines
from ..settings import Settings
from .options import (
    EXIT_CLEAN,
    EXIT_FAILURE,
    budget_options,
    config_options,
    documents_argument,
    max_size_option,
    pass_settings,
)


@click.command("text")
@documents_argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--structure", is_flag=True, help="显示条款结构（位置与字符区间），而不是全文")
@click.option("--meta", "show_meta", is_flag=True, help="另外显示文号、发文机关、日期和有效期")
@max_size_option
@budget_options
@config_options
@pass_settings
def text_command(files: tuple[str, ...], structure: bool, show_meta: bool, settings: Settings) -> None:
    """显示 FILES 被读取后的文字（即排查所依据的文字）。"""
    failed = False
    for n, (path, ex) in enumerate(extract_files(list(files), settings)):
        if len(files) > 1:
            click.echo(f"{'' if n == 0 else chr(10)}==> {screen_name(path)} <==")
        if isinstance(ex, str):
            click.echo(f"错误：{screen_name(path)}：{screen_text(ex)}", err=True)
            failed = True
            continue
        if structure:
            hint = ex.hints.get("title")
            click.echo(screen_text("\n".join(structure_lines(ex.text, hint if isinstance(hint, str) else None))))
        else:
            click.echo(screen_text(ex.text))  # the document's own control characters shown, never obeyed
        if show_meta:
            click.echo(screen_text("\n".join(["—— 文件信息 ——", *meta_lines(ex.text)])))
    sys.exit(EXIT_FAILURE if failed else EXIT_CLEAN)
