"""``fairreview text FILE…``: the text exactly as the scanner reads it, so a reviewer can see what was read
(PDF line wraps already joined, running headers and page numbers already dropped).

``--structure`` prints the clause tree instead: each clause with its location string and its span in that
text (offsets of the printed text, as in findings); ``--meta`` adds what the document says about itself.
Registered on ``main`` at the end of cli.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .cli import EXIT_CLEAN, EXIT_FAILURE
from .model import Clause
from .settings import DEFAULT_MAX_BYTES


def _depth(clauses: list[Clause], idx: int) -> int:
    depth = 0
    parent = clauses[idx].parent
    while parent is not None and depth < 20:
        depth += 1
        parent = clauses[parent].parent
    return depth


def _structure_lines(text: str, title_hint: str | None = None) -> list[str]:
    from .read import normalize
    from .structure import parse

    norm = normalize(text)
    st = parse(norm.text, title_hint=title_hint)
    out = [f"标题：{st.title or '（未识别）'}"]
    for idx, clause in enumerate(st.clauses):
        a, b = norm.span(clause.start, clause.end)
        body = text[a:b].replace("\n", " ")
        if len(body) > 60:
            body = body[:58] + "…"
        out.append(f"{'  ' * _depth(st.clauses, idx)}[{clause.location}] {a}–{b} {body}")
    out.append(f"共 {len(st.clauses)} 个条款、{len(st.sentences)} 个句子")
    return out


def _meta_lines(text: str) -> list[str]:
    from .facts import extract_meta
    from .read import normalize
    from .structure import parse

    norm = normalize(text)
    meta = extract_meta(norm.text, parse(norm.text).title)
    labels = {"doc_number": "文号", "issuer": "发文机关", "issued": "成文日期", "effective": "施行日期",
              "expires": "有效期至"}
    return [f"{labels[k]}：{v or '（未识别）'}" for k, v in meta.to_dict().items()]


@click.command("text")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--structure", is_flag=True, help="显示条款结构（位置与字符区间），而不是全文")
@click.option("--meta", "show_meta", is_flag=True, help="另外显示文号、发文机关、日期和有效期")
@click.option("--max-size", type=click.IntRange(min=1), help="单个文件大小上限（MB），默认 100")
def text_command(files: tuple[str, ...], structure: bool, show_meta: bool, max_size: int | None) -> None:
    """显示 FILES 被读取后的文字（即排查所依据的文字）。"""
    from .pipeline import read_bytes
    from .read import ReadError, extract
    from .read.files import file_problem

    limit = max_size * 1024 * 1024 if max_size else DEFAULT_MAX_BYTES
    failed = False
    for n, path in enumerate(files):
        if len(files) > 1:
            click.echo(f"{'' if n == 0 else chr(10)}==> {path} <==")
        problem = file_problem(Path(path))  # a FIFO or a link loop: never open it
        data = problem if problem else read_bytes(path, limit)
        if isinstance(data, str):
            click.echo(f"错误：{path}：{data}", err=True)
            failed = True
            continue
        try:
            ex = extract(data, os.path.basename(path))
        except ReadError as exc:
            click.echo(f"错误：{path}：{exc}", err=True)
            failed = True
            continue
        if structure:
            hint = ex.hints.get("title")
            click.echo("\n".join(_structure_lines(ex.text, hint if isinstance(hint, str) else None)))
        else:
            click.echo(ex.text)
        if show_meta:
            click.echo("\n".join(["—— 文件信息 ——", *_meta_lines(ex.text)]))
    sys.exit(EXIT_FAILURE if failed else EXIT_CLEAN)
