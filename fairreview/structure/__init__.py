"""Structure: title, clause tree (章/条/款/项 and 一、/（一）/1./（1）) and sentences with locations."""

from .parse import parse

__all__ = ["parse"]
