"""The concept layer: labelled spans (PLACE, ORG, GOV, PARTY, ROLE) and term classes that rules compose."""

from .classes import ClassError, TermClass, load_classes, make_class
from .registry import build_providers, register
from .spans import LABELS, DocContext, SentenceView, Span, comma_clauses

__all__ = [
    "LABELS",
    "ClassError",
    "DocContext",
    "SentenceView",
    "Span",
    "TermClass",
    "build_providers",
    "comma_clauses",
    "load_classes",
    "make_class",
    "register",
]
