"""One document through the pipeline, read → structure → match → facts → conclude, as a pure function of
(bytes, path, lexicon, settings).

:class:`Engine` holds what is heavy and shared (the lexicon and its automaton, the segmenter) and is built
once per process; :meth:`Engine.analyse_bytes` is the per-document unit that the batch layer
(:mod:`fairreview.batch`: cache, worker processes, Dask) calls. :func:`unreadable` is the one way a document
that could not be read becomes a result.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .conclude import conclude, outline
from .facts import extract_meta  # also registers the facts' detectors (LG001)
from .match import detectors
from .match.lexicon import Lexicon, load
from .match.matcher import Match, Matcher
from .match.segmenter import SHIPPED_MODEL_DIR, Segmenter, default_segmenter_name, load_segmenter, model_id
from .model import DocumentResult, Finding, Report, Structure
from .precedent import attach as attach_precedents
from .read import Extracted, Normalized, ReadError, extract, normalize
from .read.files import file_problem, read_bytes
from .review.fingerprint import sketch
from .settings import Settings, load_settings
from .structure import parse
from .version import __version__


def segmenter_choice(settings: Settings) -> tuple[str, str | None]:
    """(``char`` or ``pkuseg``, model folder or None for the shipped model): ``auto`` resolved, here only."""
    name = settings.segmenter
    if name == "auto":
        name = "pkuseg" if settings.pkuseg_model else default_segmenter_name()
    # a path, always: spacy-pkuseg downloads a model given by a bare name it knows ("news"); a scan never does
    return name, os.path.abspath(settings.pkuseg_model) if settings.pkuseg_model else None


def segmenter_id(settings: Settings) -> str:
    """Which segmenter a scan uses, without loading it (reports name it even when no candidate needed it)."""
    name, model = segmenter_choice(settings)
    if name == "char":
        return "char"
    return model_id(Path(model) if model else SHIPPED_MODEL_DIR)


def unreadable(path: str, error: str, as_of: str, sha256: str | None = None) -> DocumentResult:
    """The result of a document that could not be read or analysed (never 保留)."""
    doc = DocumentResult(path=path, error=error, sha256=sha256)
    conclude(doc, as_of)
    return doc


def extract_file(path: str, max_bytes: int) -> Extracted:
    """The text of a file as a scan reads it; :class:`ReadError` (Chinese) when it cannot be had."""
    problem = file_problem(Path(path))  # a FIFO or a link loop: never open it
    data = problem or read_bytes(path, max_bytes)
    if isinstance(data, str):
        raise ReadError(data)
    return extract(data, os.path.basename(path))


@dataclass
class Analysis:
    """Everything a scan learned about one document, for callers that need more than the result."""

    result: DocumentResult
    text: str | None = None
    structure: Structure | None = None


class Engine:
    def __init__(self, settings: Settings | None = None, lexicon: Lexicon | None = None):
        self.settings = settings if settings is not None else load_settings()
        base = lexicon or load(list(self.settings.lexicon_dirs))
        self.lexicon = base.select(list(self.settings.select), list(self.settings.ignore))
        self.segmenter_id = segmenter_id(self.settings)
        self.matcher = Matcher(self.lexicon, self._load_segmenter)
        self._detector_rules = [r for r in self.lexicon.rules if r.detector]

    def _load_segmenter(self) -> Segmenter:
        name, model = segmenter_choice(self.settings)
        return load_segmenter(name, model)

    # -- one document ---------------------------------------------------------------------------------
    def analyse_bytes(self, data: bytes, path: str, name: str | None = None) -> Analysis:
        """``name``: the file name the format is judged by (default: the path's own; standard input has none)."""
        sha = hashlib.sha256(data).hexdigest()
        try:
            ex = extract(data, name or os.path.basename(path))
        except ReadError as exc:
            return Analysis(unreadable(path, str(exc), self.settings.as_of, sha))
        except MemoryError:  # over the memory budget: the batch layer reports it as such
            raise
        except RecursionError:  # a library parsing recursively (OLE, XML) through a self-referencing structure
            error = "文件结构嵌套过深或自相引用，无法读取（文件可能已损坏或是恶意构造的）"
            return Analysis(unreadable(path, error, self.settings.as_of, sha))
        except Exception as exc:  # a reader bug must not end the scan of the other files
            error = f"读取时发生内部错误（{type(exc).__name__}: {exc}）"
            return Analysis(unreadable(path, error, self.settings.as_of, sha))
        doc = DocumentResult(path=path, sha256=sha, encoding=ex.encoding, format=ex.format)
        hint = ex.hints.get("title")
        analysis = self.analyse_text(ex.text, doc, title_hint=hint if isinstance(hint, str) else None)
        too_short = ex.hints.get("too_short")
        if isinstance(too_short, str) and not doc.flagged:  # too little text for 保留
            doc.error, doc.findings, doc.sketch = too_short, [], []
            conclude(doc, self.settings.as_of)
        return analysis

    def analyse_text(self, text: str, doc: DocumentResult, title_hint: str | None = None) -> Analysis:
        norm = normalize(text)
        structure = parse(norm.text, title_hint=title_hint)
        doc.title = structure.title or title_hint
        doc.chars = len(text)
        doc.findings.extend(_finding(m, norm, text) for m in self.matcher.match(norm.text, structure))
        doc.meta = extract_meta(norm.text, structure.title)
        attach_precedents(doc.findings)  # display only: never adds, removes or changes a finding
        cfg = self.settings
        for rule in self._detector_rules:  # whole-document checks (LG001), selected like every rule
            doc.findings.extend(detectors.run(rule, text, norm, structure, cfg.as_of))
        doc.outline = outline(structure, norm.text, roles=bool(doc.findings))
        for f in doc.findings:
            f.line, f.column = line_and_column(text, f.start)
        if doc.findings:  # only a document with findings can get decisions without being named
            doc.sketch = sketch(text)
        conclude(doc, cfg.as_of)
        return Analysis(doc, text, structure)

    def scan_bytes(self, data: bytes, path: str) -> DocumentResult:
        return self.analyse_bytes(data, path).result

    def scan_file(self, path: str) -> DocumentResult:
        data = read_bytes(path, self.settings.max_bytes)
        if isinstance(data, str):
            return unreadable(path, data, self.settings.as_of)
        return self.scan_bytes(data, path)

    # -- many documents --------------------------------------------------------------------------------
    def report(self, documents: list[DocumentResult]) -> Report:
        return Report(__version__, self.lexicon.version, self.segmenter_id, documents, as_of=self.settings.as_of)


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (characters) of ``offset`` in ``text``, as editors and ruff count them."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _finding(m: Match, norm: Normalized, text: str) -> Finding:
    a, b = norm.span(m.sentence.start, m.sentence.end)
    r = m.rule
    return Finding(
        rule=r.code,
        name=r.name,
        provisions=list(r.provisions),
        severity=m.severity,
        location=m.sentence.location,
        start=a,
        end=b,
        text=text[a:b],
        evidence=m.evidence,
        message=r.message,
        suggestion=r.suggestion,
        title=r.title,
        note=m.note,
        clause=m.sentence.clause,
        trigger_start=norm.offsets[m.head],
    )


def scan_text(text: str, name: str = "<text>", settings: Settings | None = None,
              engine: Engine | None = None) -> DocumentResult:
    engine = engine or Engine(settings)
    return engine.analyse_text(text, DocumentResult(path=name, format="text")).result
