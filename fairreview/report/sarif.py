"""SARIF 2.1.0: findings for code-scanning dashboards and other tools that read static-analysis logs.

One ``reportingDescriptor`` per lexicon rule (help text: the problem, the suggested fix, and the provisions
with their legal text). Regions give ``startLine``/``startColumn`` and the character offsets, in code points
of the extracted text (``columnKind: unicodeCodePoints``);
the clause location (第五条第（二）项) is the logical location. Review decisions become ``suppressions``
(误报, 适用例外 within its time limit) and the baseline becomes ``baselineState``.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from ..escapes import json_escaped
from ..jsoncodec import pretty as pretty_json
from ..legal import provisions
from ..match.lexicon import Lexicon, load
from ..model import DocumentResult, Finding, Report
from ..review.fingerprint import sentence_fingerprint
from .labels import SEVERITY_ZH, VERDICT_ZH

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT = "fairreviewSentence/v1"


def _legal_lines(ids: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
    table = provisions()
    out = []
    for pid in ids:
        p = table.get(pid)
        out.append((p.citation, p.quote) if p else (pid, ""))
    return out


class RuleText(Protocol):
    """What a rule (or a finding of a rule the lexicon does not list) says about itself."""

    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def suggestion(self) -> str: ...


def _rule_descriptor(code: str, rule: RuleText, provision_ids: list[str] | tuple[str, ...],
                     family: str = "") -> dict[str, Any]:
    title, message, suggestion, severity = rule.title, rule.message, rule.suggestion, rule.severity
    legal = _legal_lines(provision_ids)
    text = "\n".join(
        [f"{title}：{message}", f"修改建议：{suggestion}", "依据："]
        + [f"  {c}（{pid}）：{q}" for (c, q), pid in zip(legal, provision_ids, strict=True)]
    )
    markdown = "\n".join(
        [f"**{title}**", "", message, "", f"**修改建议**：{suggestion}", "", "**依据**", ""]
        + [f"- {c}（`{pid}`）：{q}" for (c, q), pid in zip(legal, provision_ids, strict=True)]
    )
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": title},
        "fullDescription": {"text": message},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
        "properties": {
            "provisions": list(provision_ids),
            "citations": [c for c, _ in legal],
            "severity": severity,
            "tags": ["fair-competition-review"] + ([family] if family else []),
        },
    }


def _uri(path: str) -> tuple[str, str | None]:
    """(uri, uriBaseId): relative to the working directory when below it, else an absolute file URI. The
    name's own bytes are percent-encoded (``os.fsencode``), so a name that is not UTF-8 keeps its bytes."""
    if path.startswith("<"):
        return quote(os.fsencode(path)), None
    absolute = os.path.abspath(path)
    rel = os.path.relpath(absolute)
    if not rel.startswith(".."):
        return quote(os.fsencode(Path(rel).as_posix())), "%SRCROOT%"
    return Path(absolute).as_uri(), None


def _location(doc: DocumentResult, f: Finding | None = None) -> dict[str, Any]:
    uri, base = _uri(doc.path)
    artifact: dict[str, Any] = {"uri": uri}
    if base:
        artifact["uriBaseId"] = base
    physical: dict[str, Any] = {"artifactLocation": artifact}
    loc: dict[str, Any] = {"physicalLocation": physical}
    if f is not None:
        physical["region"] = {
            "startLine": max(f.line, 1),  # 1-based, the column in code points (columnKind)
            "startColumn": max(f.column, 1),
            "charOffset": f.start,
            "charLength": max(0, f.end - f.start),
            "snippet": {"text": f.text},
        }
        loc["logicalLocations"] = [
            {"name": f.location, "fullyQualifiedName": f"{doc.title or doc.path}/{f.location}"}
        ]
    return loc


def _result(doc: DocumentResult, f: Finding, index: int) -> dict[str, Any]:
    fp = f.review.fingerprint or sentence_fingerprint(f.text)
    evidence = "、".join(f.evidence)
    res: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index,
        "level": LEVEL.get(f.severity, "warning"),
        "message": {
            "text": f"{f.location}：{f.title}。{f.message}" + (f"（命中：{evidence}）" if evidence else "")
        },
        "locations": [_location(doc, f)],
        "partialFingerprints": {FINGERPRINT: f"{f.rule}:{fp}"},
        "properties": {
            "severity_zh": SEVERITY_ZH.get(f.severity, f.severity),
            "clause": f.location,
            "provisions": list(f.provisions),
            "suggestion": f.suggestion,
            "document_verdict": doc.verdict,
        },
    }
    if f.note:
        res["properties"]["note"] = f.note
    status = f.review.status
    decision = f.review.decision
    if status:
        res["properties"]["review_status"] = status
        res["properties"]["decision"] = asdict(decision) if decision else None
    if status in ("dismissed", "exception") and decision:
        why = decision.reason or ("人工复核：误报" if status == "dismissed" else "适用例外")
        if status == "exception":
            why += f"（实施期限至 {decision.deadline}）"
        res["suppressions"] = [{"kind": "external", "status": "accepted", "justification": why}]
    if f.review.baseline in ("new", "unchanged"):
        res["baselineState"] = f.review.baseline
    if f.precedent is not None:
        res["properties"]["precedent"] = asdict(f.precedent)
    return res


def render_sarif(report: Report, lexicon: Lexicon | None = None) -> str:
    """``lexicon`` lists the rules; default: the built-in lexicon."""
    if lexicon is None:
        lexicon = load()
    rules = [
_rule_descriptor(r.code, r, r.provisions, r.family) for r in lexicon.rules
    ]
    index = {r["id"]: i for i, r in enumerate(rules)}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    artifacts: list[dict[str, Any]] = []
    for doc in report.documents:
        uri, base = _uri(doc.path)
        artifact: dict[str, Any] = {"location": {"uri": uri, **({"uriBaseId": base} if base else {})}}
        if doc.sha256:
            artifact["hashes"] = {"sha-256": doc.sha256}
        props: dict[str, Any] = {
            "title": doc.title,
            "format": doc.format,
            "verdict": doc.verdict,
            "verdict_zh": VERDICT_ZH[doc.verdict],
            "assessment": doc.assessment.to_dict(),
            "reasons": doc.reasons,
            "meta": doc.meta.to_dict(),
        }
        if doc.review.final is not None:
            props["final_verdict"] = doc.review.final.to_dict()
        artifact["properties"] = props
        artifacts.append(artifact)
        if doc.error is not None:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": f"无法读取：{doc.error}"},
                    "locations": [_location(doc)],
                }
            )
        for f in doc.findings:
            if f.rule not in index:  # a finding of a rule the given lexicon does not list: describe it anyway
                index[f.rule] = len(rules)
                rules.append(_rule_descriptor(f.rule, f, f.provisions))
            results.append(_result(doc, f, index[f.rule]))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "fairreview",
                "version": report.version,
                "semanticVersion": report.version,
                "language": "zh-CN",
                "rules": rules,
                "properties": {"lexicon_version": report.lexicon_version, "segmenter": report.segmenter},
            }
        },
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
        "artifacts": artifacts,
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {
            "as_of": report.as_of,
            "summary": report.summary(),
            "summary_line": report.summary_line(),
        },
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json_escaped(log, pretty_json) + "\n"
