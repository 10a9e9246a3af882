"""Where the built-in lexicon is, and the error a broken lexicon raises: apart from :mod:`.lexicon` so that the
cache can key the rules on their files (a re-scan served from the cache) without importing the parser."""

from __future__ import annotations

from pathlib import Path

BUILTIN_DIRS = (
    Path(__file__).resolve().parent.parent / "lexicons",  # installed wheel (package data)
    Path(__file__).resolve().parent.parent.parent / "lexicons",  # source checkout
)


class LexiconError(ValueError):
    def __init__(self, file: str, rule: str | None, fld: str | None, message: str):
        self.file, self.rule, self.field = file, rule, fld
        where = file + (f" 规则 {rule}" if rule else "") + (f" 字段 {fld}" if fld else "")
        super().__init__(f"词库错误：{where}：{message}")


def builtin_dir() -> Path:
    for d in BUILTIN_DIRS:
        if d.is_dir() and any(d.glob("*.yaml")):
            return d
    raise LexiconError(str(BUILTIN_DIRS[-1]), None, None, "找不到内置词库目录")
