"""Detectors: rules whose test is not a frame over one sentence but a check of the whole document (a cited
law that was repealed, LG001). A detector rule is a lexicon rule like the others — a code, a title, its
provisions, examples that run as tests; `--select LG` selects it, `lexicon list` lists it, the docs and SARIF
describe it — only its ``detector:`` names a registered function instead of ``patterns``.

A detector is ``(rule, text, normalized, structure, as_of) -> [Finding]``; modules register theirs with
:func:`register` (fairreview/facts/citations.py registers ``superseded-citation``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model import Finding

Detector = Callable[..., "list[Finding]"]

#: The names a lexicon may use; the functions are registered by the modules that implement them.
NAMES: set[str] = {"superseded-citation"}
_REGISTRY: dict[str, Detector] = {}


def register(name: str) -> Callable[[Detector], Detector]:
    def deco(fn: Detector) -> Detector:
        NAMES.add(name)
        _REGISTRY[name] = fn
        return fn

    return deco


def get(name: str) -> Detector:
    if name not in _REGISTRY:
        raise KeyError(f"检测器 {name!r} 未注册")
    return _REGISTRY[name]


def run(rule: Any, *args: Any) -> list[Finding]:
    return get(rule.detector)(rule, *args)
