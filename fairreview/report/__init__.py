"""Report: render a :class:`~fairreview.model.Report` as a terminal table, JSON or JSON Lines."""

from .render import FORMATS, render

__all__ = ["FORMATS", "render"]
