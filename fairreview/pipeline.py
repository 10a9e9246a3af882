"""The pipeline, read → structure → match → conclude, as a pure function of (bytes, lexicon, settings).

:class:`Engine` holds what is heavy and shared (the lexicon and its automaton, the segmenter) and is built
once per process; :meth:`Engine.scan_bytes` is the per-document unit that caching and parallel or
distributed runs call.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any

from . import __version__
from .conclude import conclude
from .facts import extract_meta, superseded_findings
from .match.lexicon import Lexicon, load
from .match.matcher import Matcher
from .match.segmenter import SHIPPED_MODEL_DIR, Segmenter, default_segmenter_name, load_segmenter, model_id
from .model import DocumentResult, Finding, Report, Structure
from .precedent import attach as attach_precedents
from .read import ReadError, extract, normalize
from .read.files import read_bytes, walk  # noqa: F401  (read_bytes: also imported from here)
from .settings import Settings
from .structure import parse


def segmenter_id(settings: Settings) -> str:
    """Which segmenter a scan uses, without loading it (reports name it even when no candidate needed it)."""
    name = settings.segmenter
    if name == "auto":
        name = "pkuseg" if settings.pkuseg_model else default_segmenter_name()
    if name == "char":
        return "char"
    from pathlib import Path

    return model_id(Path(settings.pkuseg_model) if settings.pkuseg_model else SHIPPED_MODEL_DIR)


@dataclass
class Analysis:
    """Everything a scan learned about one document, for callers that need more than the result."""

    result: DocumentResult
    text: str | None = None
    structure: Structure | None = None


class Engine:
    def __init__(self, settings: Settings | None = None, lexicon: Lexicon | None = None):
        self.settings = settings or Settings()
        base = lexicon or load(list(self.settings.lexicon_dirs))
        self.lexicon = base.select(list(self.settings.select), list(self.settings.ignore))
        self.segmenter_id = segmenter_id(self.settings)
        self.matcher = Matcher(self.lexicon, self._load_segmenter)

    def _load_segmenter(self) -> Segmenter:
        return load_segmenter(self.settings.segmenter, self.settings.pkuseg_model)

    # -- one document ---------------------------------------------------------------------------------
    def analyse_bytes(self, data: bytes, path: str) -> Analysis:
        doc = DocumentResult(path=path, sha256=hashlib.sha256(data).hexdigest())
        try:
            ex = extract(data, os.path.basename(path))
        except ReadError as exc:
            doc.error = str(exc)
            conclude(doc, None, self.settings.as_of)
            return Analysis(doc)
        except Exception as exc:  # a reader bug must not end the scan of the other files
            doc.error = f"读取时发生内部错误（{type(exc).__name__}: {exc}）"
            conclude(doc, None, self.settings.as_of)
            return Analysis(doc)
        doc.encoding, doc.format, doc.chars = ex.encoding, ex.format, len(ex.text)
        analysis = self.analyse_text(ex.text, doc, title_hint=ex.hints.get("title"))  # type: ignore[arg-type]
        if isinstance(ex.hints.get("too_short"), str) and not doc.flagged:  # too little text for 保留
            doc.error, doc.findings = str(ex.hints["too_short"]), []
            conclude(doc, None, self.settings.as_of)
        return analysis

    def analyse_text(self, text: str, doc: DocumentResult, title_hint: str | None = None) -> Analysis:
        norm = normalize(text)
        structure = parse(norm.text, title_hint=title_hint)
        doc.title = structure.title or title_hint
        doc.chars = len(text)
        for m in self.matcher.match(norm.text, structure):
            a, b = norm.span(m.sentence.start, m.sentence.end)
            trigger = norm.offsets[m.head]
            r = m.rule
            doc.findings.append(
                Finding(
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
                    extra={"clause": m.sentence.clause, "trigger_start": trigger},
                )
            )
        doc.meta = extract_meta(norm.text, structure.title)
        attach_precedents(doc.findings)  # display only: never adds, removes or changes a finding
        cfg = self.settings
        doc.findings.extend(superseded_findings(text, norm, structure, cfg.select, cfg.ignore, cfg.as_of))
        conclude(doc, structure, self.settings.as_of)
        return Analysis(doc, text, structure)

    def scan_bytes(self, data: bytes, path: str) -> DocumentResult:
        return self.analyse_bytes(data, path).result

    def scan_file(self, path: str) -> DocumentResult:
        data_or_error = read_bytes(path, self.settings.max_bytes)
        if isinstance(data_or_error, str):
            doc = DocumentResult(path=path, error=data_or_error)
            conclude(doc, None, self.settings.as_of)
            return doc
        return self.scan_bytes(data_or_error, path)

    # -- many documents --------------------------------------------------------------------------------
    def report(self, documents: list[DocumentResult]) -> Report:
        return Report(__version__, self.lexicon.version, self.segmenter_id, documents, as_of=self.settings.as_of)


def collect(paths: list[str]) -> list[tuple[str, str | None]]:
    """(path, walk error) for every document the paths cover, in a stable order."""
    return [(e.path, e.error) for e in walk(paths)]


def scan_paths(paths: list[str], settings: Settings | None = None, engine: Engine | None = None,
               **options: Any) -> Report:
    """Scan files and folders. Options (``jobs``, ``cache``, ``cache_dir``, ``progress``, ``dask_client``)
    are those of :func:`fairreview.run.scan_paths`, which orchestrates the run; the report does not depend
    on them."""
    from .run import scan_paths as run_scan

    return run_scan(paths, settings, engine, **options)


def scan_text(text: str, name: str = "<text>", settings: Settings | None = None,
              engine: Engine | None = None) -> DocumentResult:
    engine = engine or Engine(settings)
    return engine.analyse_text(text, DocumentResult(path=name, format="text")).result
