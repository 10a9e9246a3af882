"""Batch: many documents through the pipeline. ``runner`` (walk → cache → workers → report, the one way every
command scans), ``work`` (one document wherever it runs), ``local`` (worker processes), ``cluster`` (Dask),
``progress`` (the progress bar)."""

from .runner import Runner, scan_paths

__all__ = ["Runner", "scan_paths"]
