"""The data that flows through the pipeline: read → structure → match → conclude → report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

SEVERITIES = ("error", "warning", "info")
FLAGGING = frozenset({"error", "warning"})
VERDICTS = ("retain", "amend", "repeal", "expired", "error")
VERDICT_ZH = {"retain": "保留", "amend": "修改", "repeal": "废止", "expired": "失效", "error": "无法读取"}
SEVERITY_ZH = {"error": "明显违反", "warning": "疑似", "info": "提示"}


_FIELD_NAMES: dict[type, frozenset[str]] = {}


def _field_names(cls: type) -> frozenset[str]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields(cls))
    return names


@dataclass
class Sentence:
    """A sentence of the normalised text, with its place in the clause tree."""

    start: int  # offsets in the normalised text
    end: int
    location: str  # e.g. "第五条第（二）项", "三、（二）", "标题"
    clause: int  # index of the enclosing clause (paragraph / item) in Structure.clauses
    is_title: bool = False


@dataclass
class Clause:
    """A structural unit that holds text: an article paragraph (款), an item (项) or a policy paragraph."""

    start: int
    end: int
    location: str
    heading: str = ""  # the marker that opened it, e.g. "第五条", "（二）", "三、"
    level: str = ""  # chapter / article / paragraph / item / subitem / body
    parent: int | None = None  # the clause whose marker encloses this one (its lead-in sentence, 总起句)


@dataclass
class Structure:
    title: str | None
    title_span: tuple[int, int] | None
    clauses: list[Clause]
    sentences: list[Sentence]


@dataclass
class Finding:
    rule: str
    name: str
    provisions: list[str]
    severity: str
    location: str
    start: int  # offsets of the sentence in the extracted (original) text
    end: int
    text: str
    evidence: list[str]
    message: str
    suggestion: str
    title: str = ""  # the rule's Chinese title
    note: str | None = None  # e.g. why a finding was downgraded (条例第十二条 exception)
    extra: dict[str, Any] = field(default_factory=dict)

    def flags(self) -> bool:
        return self.severity in FLAGGING

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        extra = d.pop("extra")
        d.update(extra)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        """Inverse of :meth:`to_dict`: keys that are not fields go back into ``extra`` (cache round trip)."""
        names = _field_names(cls)
        kwargs = {k: v for k, v in d.items() if k in names}
        kwargs["extra"] = {k: v for k, v in d.items() if k not in names}
        return cls(**kwargs)


@dataclass
class Meta:
    """What a document says about itself (文号, 发文机关, dates)."""

    doc_number: str | None = None
    issuer: str | None = None
    issued: str | None = None
    effective: str | None = None
    expires: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Meta:
        names = _field_names(cls)
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass
class DocumentResult:
    path: str
    title: str | None = None
    encoding: str | None = None
    format: str | None = None
    verdict: str = "retain"
    reasons: list[str] = field(default_factory=list)
    error: str | None = None
    findings: list[Finding] = field(default_factory=list)
    meta: Meta = field(default_factory=Meta)
    chars: int = 0
    sha256: str | None = None
    # set after the per-document scan (review: "final_verdict", "scan_verdict", ...); merged into the JSON
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def flagged(self) -> list[Finding]:
        return [f for f in self.findings if f.flags()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "title": self.title,
            "encoding": self.encoding,
            "format": self.format,
            "verdict": self.verdict,
            "verdict_zh": VERDICT_ZH[self.verdict],
            "reasons": list(self.reasons),
            "error": self.error,
            "meta": self.meta.to_dict(),
            "chars": self.chars,
            "sha256": self.sha256,
            "findings": [f.to_dict() for f in self.findings],
            **self.extra,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DocumentResult:
        """Inverse of :meth:`to_dict` (``verdict_zh`` is derived; unknown keys go back into ``extra``)."""
        names = _field_names(cls)
        kwargs = {k: v for k, v in d.items() if k in names and k not in ("findings", "meta", "extra")}
        kwargs["findings"] = [Finding.from_dict(f) for f in d.get("findings", ())]
        kwargs["meta"] = Meta.from_dict(d.get("meta") or {})
        kwargs["extra"] = {k: v for k, v in d.items() if k not in names and k != "verdict_zh"}
        return cls(**kwargs)


@dataclass
class Report:
    version: str
    lexicon_version: str
    segmenter: str
    documents: list[DocumentResult]
    as_of: str | None = None

    def summary(self) -> dict[str, int]:
        out = {"documents": len(self.documents)}
        for v in VERDICTS:
            out[v] = sum(1 for d in self.documents if d.verdict == v)
        return out

    def summary_line(self) -> str:
        s = self.summary()
        return (
            f"共排查 {s['documents']} 件：保留 {s['retain']} 件，修改 {s['amend']} 件，废止 {s['repeal']} 件，"
            f"失效 {s['expired']} 件，无法读取 {s['error']} 件"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "fairreview": self.version,
            "lexicon_version": self.lexicon_version,
            "segmenter": self.segmenter,
            "as_of": self.as_of,
            "documents": [d.to_dict() for d in self.documents],
            "summary": self.summary(),
        }
