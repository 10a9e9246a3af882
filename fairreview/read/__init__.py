"""Read: bytes of a file → the text the scanner reads (and a normalised view with an offset map)."""

from .base import Extracted, ReadError
from .normalize import Normalized, normalize
from .registry import extract, register, supported_extensions

__all__ = ["Extracted", "Normalized", "ReadError", "extract", "normalize", "register", "supported_extensions"]
