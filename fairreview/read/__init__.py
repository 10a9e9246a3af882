"""Read: bytes of a file → the text the scanner reads (and a normalised view with an offset map)."""

from .base import Extracted, ReadError
from .limits import ReadLimits
from .normalize import Normalized, normalize
from .registry import extract, register, supported_extensions

__all__ = ["Extracted", "Normalized", "ReadError", "ReadLimits", "extract", "normalize", "register",
           "supported_extensions"]
