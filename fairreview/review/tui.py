"""The interactive review: one flagged clause at a time, a one-letter answer per line.

Line-based on purpose: it works over SSH in any terminal, through ``screen``/``tmux``, with a screen reader,
and with piped input (one answer per line; end of input = quit). Every answer is committed to the
database before the next clause is shown, so killing the session loses nothing already answered.

Everything from outside (names, document text, what reviewers typed) is shown through
:func:`~fairreview.escapes.screen_text` / :func:`~fairreview.escapes.screen_name`: only this module's own
colours reach the terminal as escape sequences.
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

import click

from ..escapes import screen_name, screen_text
from ..legal import provisions
from ..model import DocumentResult, Finding, PrecedentMatch, Report
from ..report.labels import CONCLUSION_ZH, KIND_ZH, SEVERITY_ZH, STATUS_ZH, VERDICT_ZH, precedent_source
from ..report.text_width import excerpt, width, wrap
from .apply import apply_document, register_document, resolve_document
from .fingerprint import sentence_fingerprint
from .source import TextSource, read_document_text
from .status import counts, parse_conclusion, status
from .store import Store, Where

CONCLUSION_KEYS = {"1": "retain", "2": "amend", "3": "repeal", "4": "expired"}
EXIT_INTERRUPTED = 130  # Ctrl-C, as for every command
FINDING_PROMPT = "[c]确认违规 [f]误报 [e]适用例外 [s]跳过 [n]备注 [u]撤销 [d]文件结论 [b]上一条 [q]退出 > "
SHORT_PROMPT = "c确认 f误报 e例外 s跳过 n备注 u撤销 d结论 b上条 q退出 ?帮助 > "  # a narrow terminal
DOCUMENT_PROMPT = "  设定本文件最终结论？1 保留 2 修改 3 废止 4 失效，回车进入下一个文件，b 上一条，q 退出 > "
HELP = (
    "c 确认违规   f 误报   e 适用例外（须填理由和实施期限）   s 跳过   n 添加备注\n"
    "u 撤销本条复核   d 设定本文件最终结论   b 上一条   q 退出   ? 帮助"
)


class Quit(Exception):
    """The reviewer asked to stop (q, end of input or Ctrl-C)."""

    def __init__(self, interrupted: bool = False):
        super().__init__()
        self.interrupted = interrupted  # Ctrl-C: the session ends with exit code 130


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
        self.texts: dict[int, str | None] = {}  # document index → its text, read when first shown
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
            raise Quit(interrupted=True) from None
        if not line:  # end of input
            self.say("")
            raise Quit()
        if self.echo_input:  # piped answers are not echoed by a terminal: keep the transcript readable
            self.say(screen_name(line.rstrip("\n")))
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
        return click.style(text, **kw)

    def block(self, text: str, first: str = "    ", rest: str | None = None, margin: int = 4,
              styled: bool = False) -> None:
        """``text`` wrapped to the screen, indented; escaped for the terminal unless it is ``styled`` (already
        escaped, with this screen's own colours in it)."""
        shown = text if styled else screen_text(text)
        self.say(_indent(wrap(shown, self.cols() - margin), first, rest))

    # -- document state --------------------------------------------------------------------------------
    def doc_id(self, i: int, create: bool) -> int | None:
        if i in self.doc_ids:
            return self.doc_ids[i]
        doc = self.pristine[i]
        found = register_document(self.store, doc) if create else resolve_document(self.store, doc)
        if found is not None:
            self.doc_ids[i] = found
        return found

    def text(self, i: int) -> str | None:
        if i not in self.texts:
            self.texts[i] = self.text_source(self.pristine[i])
        return self.texts[i]

    def _refresh(self, i: int) -> None:
        """Re-apply the stored decisions to the pristine scan of document ``i``."""
        fresh = copy.deepcopy(self.pristine[i])
        for f in fresh.findings:
            f.review.fingerprint = sentence_fingerprint(f.text)
        doc_id = self.doc_id(i, create=False)
        if doc_id is not None:
            apply_document(fresh, doc_id, self.store, self.report.as_of or "")
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

    def heading(self, label: str) -> None:
        self.say(self.style(f"── {label}", dim=True))

    def show_finding(self, n: int, total: int, i: int, f: Finding) -> None:
        doc = self.report.documents[i]
        self.say("")
        self.say(self.style("═" * (self.cols() // 2), dim=True))
        self.say(self.style(f"[{n}/{total}] ", bold=True) + f"文件：{screen_name(os.path.relpath(doc.path))}")
        if doc.title:
            number = f"  {doc.meta.doc_number}" if doc.meta.doc_number else ""
            self.block(f"标题：{doc.title}{number}", "        ", "              ", margin=14)
        self.block(
            f"位置：{self.style(screen_name(f.location), bold=True)}    "
            f"规则：{screen_name(f'{f.rule} {f.title}')}〔{SEVERITY_ZH.get(f.severity, f.severity)}〕",
            "        ", "              ", margin=14, styled=True,
        )
        self.show_clause(i, f)
        self.heading("问题")
        self.block(f.message)
        if f.note:
            self.block(f"说明：{f.note}")
        self.heading("依据")
        table = provisions()
        for pid in f.provisions:
            p = table.get(pid)
            self.block(f"{p.citation}：{p.quote}" if p else pid)
        if f.precedent is not None:
            self.heading("先例")
            self.block(_precedent_text(f.precedent))
        self.heading("建议")
        self.block(f"本条：{f.suggestion}")
        self.say(f"    本文件建议结论：{doc.verdict_label}{_before_review(doc)}")
        self.show_review_state(f)

    def show_clause(self, i: int, f: Finding) -> None:
        """The flagged sentence, its matched words in 【】, between the lines before and after it."""
        self.heading("条款（【】内为命中词语）")
        text = self.text(i)
        before, after = _context(text, f.start, f.end) if text else ("", "")
        if before:
            self.block(before)
        marked = screen_text(excerpt(f.text, f.evidence, limit=10**6))
        if self.color:
            marked = marked.replace("【", "【\x1b[1;33m").replace("】", "\x1b[0m】")
        self.block(marked, "  ▶ ", "    ", styled=True)
        if after:
            self.block(after)

    def show_review_state(self, f: Finding) -> None:
        d = f.review.decision
        if d is not None:
            more = (f"，理由：{d.reason}" if d.reason else "") + (f"，实施期限至 {d.deadline}" if d.deadline else "")
            line = screen_name(f"    当前复核：{STATUS_ZH[status(f)]}{more}（{d.reviewer}，{d.decided_at}）")
            self.say(self.style(line, fg="cyan"))
        for note in f.review.notes:
            self.say(screen_name(f"    备注：{note.text}（{note.reviewer}，{note.noted_at}）"))

    def show_document_end(self, i: int) -> None:
        doc = self.report.documents[i]
        self.say("")
        self.say(self.style("─" * (self.cols() // 2), dim=True))
        self.say(f"本文件的问题条款已看完：{screen_name(os.path.relpath(doc.path))}")
        tally: dict[str, int] = {}
        for f in doc.findings:
            if f.flags():
                tally[STATUS_ZH[status(f)]] = tally.get(STATUS_ZH[status(f)], 0) + 1
        self.say("    " + "，".join(f"{k} {v} 处" for k, v in tally.items()))
        self.say(f"    建议结论：{doc.verdict_label}{_before_review(doc)}")
        for r in doc.reasons[:4]:
            self.block(r, "      · ", "        ", margin=8)
        final = doc.review.final
        if final is not None:
            self.say(screen_name(f"    已定最终结论：{CONCLUSION_ZH[final.verdict]}，理由：{final.reason}（{final.reviewer}）"))

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
            where=Where(f.location, f.text, os.path.abspath(doc.path)),
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

    def add_note(self, i: int, f: Finding, text: str) -> None:
        doc_id = self.doc_id(i, create=True)
        assert doc_id is not None
        self.store.add_note(doc_id, f.rule, sentence_fingerprint(f.text), text, self.reviewer)
        self.tally["note"] = self.tally.get("note", 0) + 1
        self.say(self.style("  已记录备注", fg="green"))
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
            f"复核人：{screen_name(self.reviewer)}。每个回答立即保存。"
        )
        self.say(HELP)
        pos = 0
        try:
            while pos < len(steps):
                step = steps[pos]
                pos = self._step(steps, pos, step, total_findings)
        except Quit as stop:
            self.say("已退出。已作出的复核结论均已保存，下次运行 fairreview review 从未复核的条款继续。")
            self._summary()
            return EXIT_INTERRUPTED if stop.interrupted else 0
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
        """Show one step and take answers until one moves on; the position of the next step."""
        f = self._current(step)
        if f is None:
            return self._document_end(pos, step.doc_index)
        n = sum(1 for s in steps[: pos + 1] if s.finding is not None)
        self.show_finding(n, total, step.doc_index, f)
        while True:
            answer = self.ask(FINDING_PROMPT if width(FINDING_PROMPT) <= self.cols() else SHORT_PROMPT)
            action = _finding_action(answer)
            if action is None:
                if answer:
                    self.say("  未识别的输入。" + HELP)
                continue
            moved = action(self, pos, step.doc_index, f)
            if moved is not None:
                return moved

    def _document_end(self, pos: int, i: int) -> int:
        self.show_document_end(i)
        answer = self.ask(DOCUMENT_PROMPT)
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

    # answers to a finding: each returns the next position, or None to stay on this finding
    def _confirm(self, pos: int, i: int, f: Finding) -> int | None:
        self.decide(i, f, "confirmed")
        return pos + 1

    def _dismiss(self, pos: int, i: int, f: Finding) -> int | None:
        reason = self.ask("  误报理由（可直接回车）：") or None
        self.decide(i, f, "dismissed", reason=reason)
        return pos + 1

    def _except(self, pos: int, i: int, f: Finding) -> int | None:
        reason = self.ask_required("  适用例外的理由（条例第十二条哪一种情形、为何必要）：")
        deadline = self.ask_required("  实施期限（YYYY-MM-DD）：", check=_check_deadline(self.report.as_of))
        self.decide(i, f, "exception", reason=reason, deadline=dt.date.fromisoformat(deadline).isoformat())
        return pos + 1

    def _skip(self, pos: int, i: int, f: Finding) -> int | None:
        return pos + 1

    def _note(self, pos: int, i: int, f: Finding) -> int | None:
        text = self.ask("  备注：")
        if text:
            self.add_note(i, f, text)
        return None

    def _undo(self, pos: int, i: int, f: Finding) -> int | None:
        if f.review.decision is None:
            self.say("  本条尚未复核，无需撤销。")
            return None
        self.decide(i, f, "reopened")
        return pos

    def _conclude(self, pos: int, i: int, f: Finding) -> int | None:
        code = self.ask_conclusion(i, allow_skip=True)
        if code:
            self.set_conclusion(i, code)
        return None

    def _back(self, pos: int, i: int, f: Finding) -> int | None:
        if pos == 0:
            self.say("  已是第一条。")
            return None
        return pos - 1

    def _quit(self, pos: int, i: int, f: Finding) -> int | None:
        raise Quit()

    def _help(self, pos: int, i: int, f: Finding) -> int | None:
        self.say(HELP)
        return None

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
        self.say(f"尚有 {left} 处待复核。数据库：{screen_name(str(self.store.path))}")


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


def _precedent_text(p: PrecedentMatch) -> str:
    head = (f"《{p.document}》" if p.document else "") + (f"（{p.issuer}）" if p.issuer else "")
    tail = "，".join(x for x in (f"相似度 {p.score}", f"来源：{precedent_source(p.source)}") if x)
    return f"{head}：{p.text}（{tail}）"


def _before_review(doc: DocumentResult) -> str:
    """（复核前：…） when decisions changed the recommendation."""
    scan_v = doc.review.scan_verdict
    return f"（复核前：{VERDICT_ZH[scan_v]}）" if scan_v and scan_v != doc.verdict else ""


Action = Callable[[Session, int, int, Finding], "int | None"]
# one letter, or the word itself
ACTIONS: dict[str, Action] = {
    "c": Session._confirm, "确认": Session._confirm, "确认违规": Session._confirm,
    "f": Session._dismiss, "误报": Session._dismiss,
    "e": Session._except, "例外": Session._except, "适用例外": Session._except,
    "s": Session._skip, "跳过": Session._skip,
    "n": Session._note, "备注": Session._note,
    "u": Session._undo,
    "d": Session._conclude,
    "b": Session._back,
    "q": Session._quit,
    "?": Session._help, "h": Session._help,
}


def _finding_action(answer: str) -> Action | None:
    if not answer:
        return None
    return ACTIONS.get(answer) or ACTIONS.get(answer[:1].lower())
