"""``fairreview rule CODE``: one rule's page (what it flags, the legal text, examples, how to fix it),
rendered from the rule itself, so a district's own rules have a page too."""

from __future__ import annotations

import sys

import click

from ..escapes import screen_text
from ..match.lexicon import LexiconError, load
from ..report.rule_page import rule_page
from ..report.style import terminal_width
from ..report.text_width import fit
from ..settings import Settings
from .options import EXIT_CLEAN, config_options, fail, lexicon_option, pass_settings


@click.command("rule")
@click.argument("code")
@lexicon_option
@config_options
@pass_settings
def rule_command(code: str, settings: Settings) -> None:
    """显示规则 CODE 的说明：标记什么、法律依据原文、违反与合规的例子、如何修改。"""
    wanted = code.strip().upper()
    try:
        rules = load(list(settings.lexicon_dirs)).by_code()
    except LexiconError as exc:
        fail(str(exc))
    rule = rules.get(wanted)
    if rule is None:
        near = sorted(c for c in rules if c.startswith(wanted[:2]))[:8]
        hint = f"（{'、'.join(near)} 等）" if near else ""
        fail(f"没有规则 {code}{hint}；全部规则见 fairreview lexicon list")
    width = terminal_width(sys.stdout)
    page = [fit(line, width, "> " if line.startswith(">") else "  ") for line in rule_page(rule).split("\n")]
    click.echo(screen_text("\n".join(page)), nl=False)  # a district's own lexicon is data too
    sys.exit(EXIT_CLEAN)
