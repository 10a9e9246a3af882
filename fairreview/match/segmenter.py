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


@dataclass
class Segmenter:
    """Turns a string into token spans. ``id`` names the segmenter and model version for reports."""

    id: str
    _nlp: Any = None

    def spans(self, text: str) -> list[tuple[int, int]]:
        if self._nlp is None:  # char segmentation: every character is a token
            return [(i, i + 1) for i in range(len(text))]
        return [(t.idx, t.idx + len(t.text)) for t in self._nlp.tokenizer(text)]

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
    import spacy  # heavy import, only when a word segmenter is really used

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "pkuseg"}}})
    tokenizer: Any = nlp.tokenizer  # spaCy types it as a plain callable; it is a ChineseTokenizer
    try:
        tokenizer.initialize(pkuseg_model=str(path))
        # spaCy's default ``pkuseg_user_dict="default"`` adds spacy-pkuseg's bundled 390K-word dictionary
        # (dicts/default.pkl, built from pkuseg's research corpora) as a merge step after the model. It is
        # not part of our model and lowers its agreement on policy text (docs/segmentation.md): switch it off.
        tokenizer.pkuseg_seg.postprocesser.do_process = False
    except Exception as exc:  # spacy-pkuseg raises assorted errors for broken model files
        raise SegmenterError(f"无法加载 pkuseg 模型 {path}：{exc}") from exc
    return Segmenter(id=model_id(path), _nlp=nlp)
