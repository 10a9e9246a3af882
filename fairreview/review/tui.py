"""The interactive review: one flagged clause at a time, a one-letter answer per line.

Line-based on purpose: it works over SSH in any terminal, through ``screen``/``tmux``, with a screen reader,
and with piped input (one answer per line; end of input = quit). Every answer is committed to the
database before the next clause is shown, so killing the session loses nothing already answered.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from ..legal import provisions
from ..model import SEVERITY_ZH, VERDICT_ZH, Finding, Report
from ..report.text_width import excerpt, wrap
from .apply import Texts, TextSource, apply_document, read_document_text, register_document, resolve_document
from .fingerprint import sentence_fingerprint
from .status import CONCLUSION_ZH, KIND_ZH, STATUS_ZH, counts, parse_conclusion, status
from .store import Store

CONCLUSION_KEYS = {"1": "retain", "2": "amend", "3": "repeal", "4": "expired"}
HELP = (
    "c 确认违规   f 误报   e 适用例外（须填理由和实施期限）   s 跳过   n 添加备注\n"
    "u 撤销本条复核   d 设定本文件最终结论   b 上一条   q 退出   ? 帮助"
)


class Quit(Exception):
    """The reviewer asked to stop (q, end of input or Ctrl-C)."""


@dataclass
class Step:
    doc_index: int
    finding: Finding | None  # None: the end-of-document step (final conclusion)


@dataclass
class Session:
    report: Report
    store: Store
    reviewer: str
    review_all: bool = False
    text_source: TextSource = read_document_text
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    color: bool = False
    tally: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.echo_input = not _isatty(self.stdin)
        self.texts = Texts(self.text_source)
        self.doc_ids: dict[int, int] = {}
        # documents as scanned, before any decision: recommendations are recomputed from these
        self.pristine = [copy.deepcopy(d) for d in self.report.documents]
        for i in range(len(self.report.documents)):
            self._refresh(i)

    # -- input / output --------------------------------------------------------------------------------
    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def ask(self, prompt: str) -> str:
        self.stdout.write(prompt)
        self.stdout.flush()
        try:
            line = self.stdin.readline()
        except KeyboardInterrupt:
            raise Quit() from None
        if not line:  # end of input
            self.say("")
            raise Quit()
        if not self.echo_input:
            return line.strip()
        self.say(
            line.rstrip("\n")
        )  # piped answers are not echoed by a terminal: keep the transcript readable
        return line.strip()

    def ask_required(self, prompt: str, check: Callable[[str], str | None] | None = None) -> str:
        """Ask until an answer is given (and passes ``check``, which returns an error message or None)."""
        while True:
            answer = self.ask(prompt)
            if not answer:
                self.say("  不能为空。")
                continue
            problem = check(answer) if check else None
            if problem is None:
                return answer
            self.say(f"  {problem}")

    def style(self, text: str, **kw: Any) -> str:
        if not self.color:
            return text
        import click

        return click.style(text, **kw)

    # -- document state --------------------------------------------------------------------------------
    def doc_id(self, i: int, create: bool) -> int | None:
        if i in self.doc_ids:
            return self.doc_ids[i]
        doc = self.pristine[i]
        if create:
            got = self.texts.get(doc)
            found: int | None = register_document(self.store, doc, got[0] if got else None)
        else:
            found = resolve_document(self.store, doc, self.texts)
        if found is not None:
            self.doc_ids[i] = found
        return found

    def _refresh(self, i: int) -> None:
        """Re-apply the stored decisions to the pristine scan of document ``i``."""
        fresh = copy.deepcopy(self.pristine[i])
        for f in fresh.findings:
            f.extra["fingerprint"] = sentence_fingerprint(f.text)
        doc_id = self.doc_id(i, create=False)
        if doc_id is not None:
            apply_document(fresh, doc_id, self.store, self.report.as_of or "", self.texts)
        self.report.documents[i] = fresh

    def steps(self) -> list[Step]:
        out: list[Step] = []
        for i, doc in enumerate(self.report.documents):
            if doc.error is not None:
                continue
            todo = [
                f
                for f in doc.findings
                if f.flags() and (self.review_all or status(f) in ("open", "exception_expired"))
            ]
            if todo:
                out.extend(Step(i, f) for f in todo)
                out.append(Step(i, None))
        return out

    # -- screens ---------------------------------------------------------------------------------------
    def cols(self) -> int:
        return max(40, min(shutil.get_terminal_size((100, 24)).columns, 120) - 4)

    def show_finding(self, n: int, total: int, i: int, f: Finding) -> None:
        doc = self.report.documents[i]
        cols = self.cols()
        self.say("")
        self.say(self.style("═" * (cols // 2), dim=True))
        self.say(self.style(f"[{n}/{total}] ", bold=True) + f"文件：{os.path.relpath(doc.path)}")
        if doc.title:
            extra = f"  {doc.meta.doc_number}" if doc.meta.doc_number else ""
            self.say(f"        标题：{doc.title}{extra}")
        self.say(
            f"        位置：{self.style(f.location, bold=True)}    "
            f"规则：{f.rule} {f.title}〔{SEVERITY_ZH.get(f.severity, f.severity)}〕"
        )
        self.say(self.style("── 条款（【】内为命中词语）", dim=True))
        got = self.texts.get(doc)
        before, after = _context(got[0], f.start, f.end) if got else ("", "")
        if before:
            self.say(_indent(wrap(before, cols - 4), "    "))
        marked = excerpt(f.text, f.evidence, limit=10**6)
        if self.color:
            marked = marked.replace("【", "【\x1b[1;33m").replace("】", "\x1b[0m】")
        self.say(_indent(wrap(marked, cols - 4), "  ▶ ", "    "))
        if after:
            self.say(_indent(wrap(after, cols - 4), "    "))
        self.say(self.style("── 问题", dim=True))
        self.say(_indent(wrap(f.message, cols - 4), "    "))
        if f.note:
            self.say(_indent(wrap(f"说明：{f.note}", cols - 4), "    "))
        self.say(self.style("── 依据", dim=True))
        table = provisions()
        for pid in f.provisions:
            p = table.get(pid)
            line = f"{p.citation}：{p.quote}" if p else pid
            self.say(_indent(wrap(line, cols - 4), "    "))
        precedent = f.extra.get("precedent")
        if precedent:
            self.say(self.style("── 先例", dim=True))
            self.say(_indent(wrap(_precedent_text(precedent), cols - 4), "    "))
        self.say(self.style("── 建议", dim=True))
        self.say(_indent(wrap(f"本条：{f.suggestion}", cols - 4), "    "))
        rec = VERDICT_ZH[doc.verdict]
        scan_v = doc.extra.get("scan_verdict")
        if scan_v and scan_v != doc.verdict:
            rec += f"（复核前：{VERDICT_ZH[scan_v]}）"
        self.say(f"    本文件建议结论：{rec}")
        d = f.extra.get("decision")
        if d:
            what = STATUS_ZH[status(f)]
            more = "".join(
                [
                    f"，理由：{d['reason']}" if d.get("reason") else "",
                    f"，实施期限至 {d['deadline']}" if d.get("deadline") else "",
                ]
            )
            self.say(
                self.style(f"    当前复核：{what}{more}（{d['reviewer']}，{d['decided_at']}）", fg="cyan")
            )
        for note in f.extra.get("review_notes") or []:
            self.say(f"    备注：{note['text']}（{note['reviewer']}，{note['noted_at']}）")

    def show_document_end(self, i: int) -> None:
        doc = self.report.documents[i]
        self.say("")
        self.say(self.style("─" * (self.cols() // 2), dim=True))
        self.say(f"本文件的问题条款已看完：{os.path.relpath(doc.path)}")
        tally: dict[str, int] = {}
        for f in doc.findings:
            if f.flags():
                tally[STATUS_ZH[status(f)]] = tally.get(STATUS_ZH[status(f)], 0) + 1
        self.say("    " + "，".join(f"{k} {v} 处" for k, v in tally.items()))
        scan_v = doc.extra.get("scan_verdict")
        self.say(
            f"    建议结论：{VERDICT_ZH[doc.verdict]}"
            + (f"（复核前：{VERDICT_ZH[scan_v]}）" if scan_v and scan_v != doc.verdict else "")
        )
        for r in doc.reasons[:4]:
            self.say(_indent(wrap(r, self.cols() - 8), "      · ", "        "))
        final = doc.extra.get("final_verdict")
        if final:
            self.say(
                f"    已定最终结论：{final['verdict_zh']}，理由：{final['reason']}（{final['reviewer']}）"
            )

    # -- actions ---------------------------------------------------------------------------------------
    def decide(
        self, i: int, f: Finding, kind: str, reason: str | None = None, deadline: str | None = None
    ) -> None:
        doc = self.report.documents[i]
        doc_id = self.doc_id(i, create=True)
        assert doc_id is not None
        self.store.decide(
            doc_id,
            f.rule,
            sentence_fingerprint(f.text),
            kind,
            self.reviewer,
            reason=reason,
            deadline=deadline,
            location=f.location,
            sentence=f.text,
            path=os.path.abspath(doc.path),
        )
        self.tally[kind] = self.tally.get(kind, 0) + 1
        self.say(self.style(f"  已记录：{KIND_ZH[kind]}", fg="green"))
        self._refresh(i)

    def set_conclusion(self, i: int, conclusion: str) -> None:
        doc = self.report.documents[i]
        reason = self.ask_required("  最终结论的理由：")
        doc_id = self.doc_id(i, create=True)
        assert doc_id is not None
        known = [(f.rule, sentence_fingerprint(f.text)) for f in doc.findings if f.flags()]
        self.store.conclude(
            doc_id,
            conclusion,
            reason,
            self.reviewer,
            recommended=doc.verdict,
            known_findings=known,
            path=os.path.abspath(doc.path),
        )
        self.tally["conclusion"] = self.tally.get("conclusion", 0) + 1
        self.say(self.style(f"  已记录最终结论：{CONCLUSION_ZH[conclusion]}", fg="green"))
        self._refresh(i)

    def ask_conclusion(self, i: int, allow_skip: bool) -> str | None:
        prompt = "  最终结论：1 保留  2 修改  3 废止  4 失效" + ("（回车跳过）" if allow_skip else "") + " > "
        while True:
            answer = self.ask(prompt)
            if not answer and allow_skip:
                return None
            code = CONCLUSION_KEYS.get(answer) or parse_conclusion(answer)
            if code:
                return code
            self.say("  请输入 1–4，或 保留/修改/废止/失效。")

    # -- the loop --------------------------------------------------------------------------------------
    def run(self) -> int:
        steps = self.steps()
        total_findings = sum(1 for s in steps if s.finding is not None)
        if not steps:
            self.say(
                "没有待复核的问题条款。" + ("" if self.review_all else "（加 --all 可重新查看已复核的条款）")
            )
            return 0
        self.say(
            f"待复核 {total_findings} 处问题条款，涉及 {sum(1 for s in steps if s.finding is None)} 个文件。"
            f"复核人：{self.reviewer}。每个回答立即保存。"
        )
        self.say(HELP)
        pos = 0
        try:
            while pos < len(steps):
                step = steps[pos]
                pos = self._step(steps, pos, step, total_findings)
        except Quit:
            self.say("已退出。已作出的复核结论均已保存，下次运行 fairreview review 从未复核的条款继续。")
            self._summary()
            return 0
        self.say("全部条款已看完。")
        self._summary()
        return 0

    def _current(self, step: Step) -> Finding | None:
        """The step's finding in the refreshed document (decisions re-applied)."""
        if step.finding is None:
            return None
        doc = self.report.documents[step.doc_index]
        for f in doc.findings:
            if (f.rule, f.start, f.end) == (step.finding.rule, step.finding.start, step.finding.end):
                return f
        return step.finding

    def _step(self, steps: list[Step], pos: int, step: Step, total: int) -> int:
        i = step.doc_index
        f = self._current(step)
        if f is None:
            self.show_document_end(i)
            answer = self.ask(
                "  设定本文件最终结论？1 保留 2 修改 3 废止 4 失效，回车进入下一个文件，b 上一条，q 退出 > "
            )
            key = answer.lower()
            if key == "q":
                raise Quit()
            if key == "b":
                return max(0, pos - 1)
            code = CONCLUSION_KEYS.get(answer) or parse_conclusion(answer)
            if code:
                self.set_conclusion(i, code)
            elif answer:
                self.say("  未识别的输入，已跳过。")
                return pos
            return pos + 1
        n = sum(1 for s in steps[: pos + 1] if s.finding is not None)
        self.show_finding(n, total, i, f)
        while True:
            answer = self.ask(
                "[c]确认违规 [f]误报 [e]适用例外 [s]跳过 [n]备注 [u]撤销 [d]文件结论 [b]上一条 [q]退出 > "
            )
            key = answer[:1].lower() if answer else ""
            if key == "c" or answer in ("确认", "确认违规"):
                self.decide(i, f, "confirmed")
                return pos + 1
            if key == "f" or answer == "误报":
                reason = self.ask("  误报理由（可直接回车）：") or None
                self.decide(i, f, "dismissed", reason=reason)
                return pos + 1
            if key == "e" or answer in ("例外", "适用例外"):
                reason = self.ask_required("  适用例外的理由（条例第十二条哪一种情形、为何必要）：")
                deadline = self.ask_required(
                    "  实施期限（YYYY-MM-DD）：", check=_check_deadline(self.report.as_of)
                )
                self.decide(
                    i, f, "exception", reason=reason, deadline=dt.date.fromisoformat(deadline).isoformat()
                )
                return pos + 1
            if key == "s" or answer == "跳过":
                return pos + 1
            if key == "n" or answer == "备注":
                text = self.ask("  备注：")
                if text:
                    doc_id = self.doc_id(i, create=True)
                    assert doc_id is not None
                    self.store.add_note(doc_id, f.rule, sentence_fingerprint(f.text), text, self.reviewer)
                    self.tally["note"] = self.tally.get("note", 0) + 1
                    self.say(self.style("  已记录备注", fg="green"))
                    self._refresh(i)
                continue
            if key == "u":
                if not f.extra.get("decision"):
                    self.say("  本条尚未复核，无需撤销。")
                    continue
                self.decide(i, f, "reopened")
                return pos
            if key == "d":
                code = self.ask_conclusion(i, allow_skip=True)
                if code:
                    self.set_conclusion(i, code)
                continue
            if key == "b":
                if pos == 0:
                    self.say("  已是第一条。")
                    continue
                return pos - 1
            if key == "q":
                raise Quit()
            if key == "?" or key == "h":
                self.say(HELP)
                continue
            if answer:
                self.say("  未识别的输入。" + HELP)

    def _summary(self) -> None:
        c = self.tally
        self.say(
            f"本次复核：确认违规 {c.get('confirmed', 0)} 处，误报 {c.get('dismissed', 0)} 处，"
            f"适用例外 {c.get('exception', 0)} 处，撤销 {c.get('reopened', 0)} 处，"
            f"备注 {c.get('note', 0)} 条，"
            f"最终结论 {c.get('conclusion', 0)} 件。"
        )
        left = sum(
            1
            for d in self.report.documents
            for f in d.findings
            if counts(f) and status(f) in ("open", "exception_expired")
        )
        self.say(f"尚有 {left} 处待复核。数据库：{self.store.path}")


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _check_deadline(as_of: str | None) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return "日期格式应为 YYYY-MM-DD，例如 2027-06-30。"
        if as_of and day.isoformat() < as_of:
            return f"实施期限早于审查基准日 {as_of}，例外已过期；请填写今后的日期。"
        return None

    return check


def _context(text: str, start: int, end: int, limit: int = 120) -> tuple[str, str]:
    """The line before and the line after the sentence (shortened), from the extracted text."""
    head = text[:start].rstrip()
    line_start = head.rfind("\n")
    same_line_before = head[line_start + 1 :]
    prev_lines = [ln for ln in head[: max(line_start, 0)].split("\n") if ln.strip()]
    before = same_line_before.strip() or (prev_lines[-1].strip() if prev_lines else "")
    tail = text[end:]
    line_end = tail.find("\n")
    same_line_after = tail if line_end < 0 else tail[:line_end]
    next_lines = [ln for ln in ("" if line_end < 0 else tail[line_end + 1 :]).split("\n", 3) if ln.strip()]
    after = same_line_after.strip() or (next_lines[0].strip() if next_lines else "")
    if len(before) > limit:
        before = "…" + before[-limit:]
    if len(after) > limit:
        after = after[:limit] + "…"
    return before, after


def _indent(text: str, first: str, rest: str | None = None) -> str:
    rest = first if rest is None else rest
    return "\n".join((first if k == 0 else rest) + line for k, line in enumerate(text.split("\n")))


def _precedent_text(p: Any) -> str:
    if isinstance(p, dict):
        head = "".join(
            [
                f"《{p['document']}》" if p.get("document") else "",
                f"（{p['issuer']}）" if p.get("issuer") else "",
            ]
        )
        body = p.get("text") or p.get("summary") or ""
        tail = "，".join(
            x
            for x in [
                f"相似度 {p['score']}" if p.get("score") is not None else "",
                f"来源：{p['source']}" if p.get("source") else "",
            ]
            if x
        )
        return f"{head}：{body}" + (f"（{tail}）" if tail else "")
    if isinstance(p, list):
        return "\n".join(_precedent_text(x) for x in p)
    return str(p)
