"""Word segmentation for Chinese text: spaCy's ``zh`` tokenizer with either pkuseg or characters.

The segmenter is only consulted for candidate sentences (a rule already matched on characters), so
its load is lazy and its cost stays off the hot path.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The model trained for this project (see docs/segmentation.md), shipped as package data.
SHIPPED_MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "segmenter"


class SegmenterError(RuntimeError):
    """A segmenter could not be set up (missing model directory, broken files)."""


def _load_pkuseg(path: Path) -> Any:
    """The segmenter spaCy's ``zh`` tokenizer runs for ``segmenter = "pkuseg"``, built directly.

    spaCy's ChineseTokenizer calls ``spacy_pkuseg.pkuseg(model, user_dict="default").cut(text)``. We build the same
    object with ``user_dict=None``: that skips spacy-pkuseg's bundled 390K-word merge dictionary, which comes from
    pkuseg's research-only corpora and lowers agreement on policy text (docs/segmentation.md), and it skips
    importing spaCy's pipeline machinery — 0.7 s and 100 MB less per process, with the same tokens as spaCy's
    tokenizer with that dictionary switched off (tests/test_core_segmenter.py checks it).
    """
    import spacy_pkuseg

    return spacy_pkuseg.pkuseg(str(path), user_dict=None)


@dataclass
class Segmenter:
    """Turns a string into token spans. ``id`` names the segmenter and model version for reports."""

    id: str
    _seg: Any = None

    def spans(self, text: str) -> list[tuple[int, int]]:
        if self._seg is None:  # char segmentation: every character is a token
            return [(i, i + 1) for i in range(len(text))]
        out = []
        pos = 0
        for word in self._seg.cut(text):  # words are slices of the text, in order; white space is dropped
            start = text.find(word, pos)
            if start < 0:  # never expected; stay safe rather than misalign every later token
                continue
            out.append((start, start + len(word)))
            pos = start + len(word)
        return out

    def boundaries(self, text: str) -> set[int]:
        """Offsets where a token starts or ends."""
        out = {0, len(text)}
        for s, e in self.spans(text):
            out.add(s)
            out.add(e)
        return out


def model_id(model_dir: Path) -> str:
    """A readable id: ``pkuseg:<name>@<version>`` from the model's ``meta.json`` when it has one."""
    meta = model_dir / "meta.json"
    if meta.is_file():
        data = json.loads(meta.read_text(encoding="utf-8"))
        return f"pkuseg:{data.get('name', model_dir.name)}@{data.get('version', '0')}"
    return f"pkuseg:{model_dir.name}"


def shipped_model_available() -> bool:
    return (SHIPPED_MODEL_DIR / "features.msgpack").is_file()


def default_segmenter_name() -> str:
    return "pkuseg" if shipped_model_available() else "char"


@functools.lru_cache(maxsize=4)
def load_segmenter(name: str = "auto", model_dir: str | None = None) -> Segmenter:
    """Load once per process. ``name`` is ``char``, ``pkuseg`` or ``auto`` (the shipped model if present)."""
    if name == "auto":
        name = "pkuseg" if (model_dir or shipped_model_available()) else "char"
    if name == "char":
        return Segmenter(id="char")
    if name != "pkuseg":
        raise SegmenterError(f"未知的分词器：{name}（可选 char、pkuseg）")
    path = Path(model_dir) if model_dir else SHIPPED_MODEL_DIR
    if not (path / "features.msgpack").is_file():
        raise SegmenterError(f"pkuseg 模型目录无效：{path}（缺少 features.msgpack）")
    try:
        seg = _load_pkuseg(path)
    except Exception as exc:  # spacy-pkuseg raises assorted errors for broken model files
        raise SegmenterError(f"无法加载 pkuseg 模型 {path}：{exc}") from exc
    return Segmenter(id=model_id(path), _seg=seg)
