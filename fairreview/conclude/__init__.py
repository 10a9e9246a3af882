"""Conclude: the recommended verdict of a document (保留 / 修改 / 废止 / 失效 / 无法读取), how it was reached
(:class:`~fairreview.model.Assessment`) and the reasons a clerk reads."""

from .verdict import conclude, is_legality, outline

__all__ = ["conclude", "is_legality", "outline"]
