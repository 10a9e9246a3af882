"""Conclude: the recommended verdict of a document (保留 / 修改 / 废止 / 失效 / 无法读取), how it was reached
(:class:`~fairreview.model.Assessment`) and the reasons a clerk reads."""

from .reasons import Problem, basis
from .verdict import conclude, document_problems, is_legality, outline

__all__ = ["Problem", "basis", "conclude", "document_problems", "is_legality", "outline"]
