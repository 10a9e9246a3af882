"""Word segmentation: the shipped pkuseg model is the default, loads offline, and decides word boundaries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fairreview import Engine, Settings
from fairreview.match.segmenter import SegmenterError, load_segmenter, shipped_model_available
from fairreview.model import DocumentResult

pytestmark = pytest.mark.skipif(not shipped_model_available(), reason="the shipped segmentation model is missing")

JAPAN = "第五条 投标人具有日本市场出口业绩的，每项得2分。"
LOCAL = "第五条 投标人在本市设有售后服务机构的，得3分。"


def _rules(segmenter: str, text: str) -> set[str]:
    engine = Engine(Settings(segmenter=segmenter, as_of="2026-11-27"))
    doc = engine.analyse_text(text, DocumentResult(path="<t>")).result
    return {f.rule for f in doc.findings if f.flags()}


def test_shipped_model_is_the_default_and_named() -> None:
    engine = Engine(Settings())
    assert engine.segmenter_id.startswith("pkuseg:fairreview-policy-seg@")


def test_model_segments_policy_words() -> None:
    seg = load_segmenter("pkuseg")
    text = "在本市注册的企业进入日本市场"
    words = [text[a:b] for a, b in seg.spans(text)]
    assert "本市" in words and "日本" in words and "市场" in words


def test_place_words_need_no_segmenter() -> None:
    """本市 inside 日本市场 is not a place whichever segmenter runs: the PLACE provider knows the words that
    end in 本 (日本, 资本, 成本 …); the segmenter is only for a lexicon that asks for word boundaries."""
    for segmenter in ("char", "auto"):
        assert "TP104" not in _rules(segmenter, JAPAN)
        assert "TP104" in _rules(segmenter, LOCAL)


def test_bad_model_dir_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SegmenterError, match="pkuseg"):
        load_segmenter("pkuseg", str(tmp_path))


def test_tokens_equal_spacy_zh_tokenizer() -> None:
    """The segmenter is spaCy's zh pkuseg segmenter, called without spaCy: same tokens. spaCy is not a
    dependency of fairreview (docs/segmentation.md); it comes with the ``train`` extra."""
    spacy = pytest.importorskip("spacy", reason="spaCy is only in the train extra: pip install -e '.[train]'")

    from fairreview.match.segmenter import SHIPPED_MODEL_DIR

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "pkuseg"}}})
    tokenizer: Any = nlp.tokenizer  # spaCy's ChineseTokenizer (typed as a plain callable)
    tokenizer.initialize(pkuseg_model=str(SHIPPED_MODEL_DIR))
    tokenizer.pkuseg_seg.postprocesser.do_process = False
    ours = load_segmenter("pkuseg")
    texts = [
        "第三条 对在本县注册并纳税的企业，按其地方财政贡献的50%给予奖励。",
        "投标人在本市设有售后服务机构的得3分；进入日本市场的企业不受此限。",
        "各部门不得限定或者变相限定单位或者个人经营、购买、使用特定经营者提供的商品和服务。",
        "（二）园区内企业 优先 使用本地产品",
    ]
    for text in texts:
        spacy_tokens = [(t.idx, t.idx + len(t.text)) for t in tokenizer(text) if not t.is_space]
        assert ours.spans(text) == spacy_tokens
