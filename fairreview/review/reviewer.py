"""Who recorded a decision: a name the reviewer gave, never the computer's login name.

A 台账 goes up the chain of review with a person's name on every decision, so the name must come from the
reviewer: ``--reviewer``, the ``FAIRREVIEW_REVIEWER`` environment variable, or ``reviewer`` in the
configuration file, in that order. Without one, nothing is recorded and the message says how to give it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

REVIEWER_ENV = "FAIRREVIEW_REVIEWER"
MAX_NAME = 50

MISSING = (
    "请写明复核人姓名：在命令后加 --reviewer 姓名，或在配置文件 fairreview.toml 中写 reviewer = \"姓名\""
    f"（也可设置环境变量 {REVIEWER_ENV}）。复核记录须署复核人的姓名，不使用电脑的登录名"
)


class ReviewerMissing(ValueError):
    """No usable reviewer's name; the message is Chinese and says how to give one."""


def resolve_reviewer(
    option: str | None,
    configured: object = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The reviewer's name from the command line, the environment or the configuration, or ReviewerMissing."""
    env = os.environ if environ is None else environ
    for source, value in (("--reviewer", option), (REVIEWER_ENV, env.get(REVIEWER_ENV)),
                          ("配置项 reviewer", configured)):
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise ReviewerMissing(f"{source} 给出的复核人姓名为空或不是文字。{MISSING}")
        name = " ".join(value.split())
        if len(name) > MAX_NAME:
            raise ReviewerMissing(f"{source} 给出的复核人姓名过长（{len(name)} 字，最多 {MAX_NAME} 字）")
        return name
    raise ReviewerMissing(MISSING)
