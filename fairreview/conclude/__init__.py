"""Conclude: the recommended verdict of a document (保留 / 修改 / 废止 / 失效 / 无法读取) with reasons."""

from .verdict import conclude, outline

__all__ = ["conclude", "outline"]
