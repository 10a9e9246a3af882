"""Read: bytes of a file → the text the scanner reads (and a normalised view with an offset map).

The readers are imported on first use (PEP 562): a module that needs only :mod:`.files` or :mod:`.normalize`
(the walk of a re-scan served from the cache, the rules' term normalisation) does not load every reader and
its libraries. ``normalize`` is imported here: the submodule of that name would otherwise shadow the function."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .base import Extracted, ReadError
from .normalize import Normalized, normalize

if TYPE_CHECKING:  # pragma: no cover
    from .limits import ReadLimits
    from .registry import extract, register, supported_extensions

_LAZY = {"ReadLimits": "limits", "extract": "registry", "register": "registry", "supported_extensions": "registry"}

__all__ = ["Extracted", "Normalized", "ReadError", "ReadLimits", "extract", "normalize", "register",
           "supported_extensions"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'fairreview.read' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
