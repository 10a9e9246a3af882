#!/usr/bin/env python
"""Train fairreview's Chinese word-segmentation model (pkuseg CRF) on public-domain policy text.

The ready-made pkuseg models are trained on corpora licensed for research only, so this script trains our
own model from text free of copyright (laws, regulations and official documents, 著作权法 第五条) with
silver labels from jieba (MIT), plus the project's lexicon terms as forced words. See docs/segmentation.md.

    .venv/bin/python scripts/train_segmenter.py                      # writes fairreview/data/segmenter/
    .venv/bin/python scripts/train_segmenter.py --out /tmp/seg2      # a second run, to check reproducibility

Everything is deterministic for a given corpus, lexicon and seed: files are read in sorted order, the
held-out split and the sample are drawn with a seeded RNG, jieba uses its bundled dictionary (explicit path,
private cache) with a fixed HMM setting, and pkuseg's trainer (zero-initialised weights, one thread) is
seeded.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import logging
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "fairreview" / "data" / "segmenter"
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
LEXICON_DIR = REPO_ROOT / "lexicons"

MODEL_NAME = "fairreview-policy-seg"
MODEL_VERSION = "1.0"
JIEBA_HMM = True  # fixed: jieba's default mode, HMM joins runs of out-of-vocabulary characters
#: The files spacy_pkuseg needs to load a model; everything else the trainer writes is dropped.
MODEL_FILES = ("features.msgpack", "weights.npz")
MAX_MODEL_BYTES = 40 * 1024 * 1024

#: Terms are taken inside these keys' values: a rule's patterns, and the rule itself for its ``exceptions``.
#: Localisers, and function words jieba's dictionary tags ``n``: not parts of a two-word compound.
NOT_COMPOUND_PARTS = frozenset(
    [*"内外中上下前后间里", "依法", "全部", "方可", "全额", "全国", "国家", "部分", "规定", "符合国家"]
)
PATTERN_KEYS = frozenset({"pattern", "patterns", "rules"})
TERM_KEYS = frozenset({"any", "all", "seq", "not", "exceptions"})
TERM_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,8}")
SENTENCE_END_RE = re.compile(r"(?<=[。！？；!?;])")
MARKDOWN_PREFIX_RE = re.compile(r"^[#>*\-+|\s]+")

log = logging.getLogger("train_segmenter")


# --------------------------------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class Document:
    kind: str  # "regulations" or "policies"
    path: Path

    @property
    def name(self) -> str:
        return f"{self.kind}/{self.path.name}"


@dataclass
class Split:
    train: list[Document] = field(default_factory=list)
    heldout: list[Document] = field(default_factory=list)


def list_documents(shared: Path) -> dict[str, list[Document]]:
    corpus = shared / "corpus"
    return {
        "regulations": [Document("regulations", p) for p in sorted((corpus / "regulations").glob("*.md"))],
        "policies": [Document("policies", p) for p in sorted((corpus / "policies").glob("*.txt"))],
    }


def split_documents(docs: Sequence[Document], heldout_fraction: float, seed: int) -> Split:
    """A seeded document-level split; held-out documents are never used for training."""
    n_heldout = round(len(docs) * heldout_fraction)
    held = set(random.Random(seed).sample(range(len(docs)), n_heldout))
    split = Split()
    for i, doc in enumerate(docs):
        (split.heldout if i in held else split.train).append(doc)
    return split


def split_corpus(shared: Path, seed: int, heldout_policies: float, heldout_regulations: float) -> Split:
    docs = list_documents(shared)
    pol = split_documents(docs["policies"], heldout_policies, seed)
    reg = split_documents(docs["regulations"], heldout_regulations, seed + 1)
    return Split(train=pol.train + reg.train, heldout=pol.heldout + reg.heldout)


def document_sentences(path: Path) -> list[str]:
    """Sentences of a document: lines without markdown markup, cut after 。！？； ."""
    out: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = MARKDOWN_PREFIX_RE.sub("", raw).replace("**", "").strip()
        if not line:
            continue
        for sent in SENTENCE_END_RE.split(line):
            sent = sent.strip()
            if len(sent) >= 2:
                out.append(sent)
    return out


def sample_sentences(docs: Sequence[Document], chars: int, policy_share: float, seed: int) -> list[str]:
    """Whole documents in a seeded order until the budget is spent; policies get ``policy_share`` of it."""
    rng = random.Random(seed)
    by_kind: dict[str, list[Document]] = {"policies": [], "regulations": []}
    for doc in docs:
        by_kind[doc.kind].append(doc)
    for kind_docs in by_kind.values():
        rng.shuffle(kind_docs)
    out: list[str] = []
    used = 0
    for kind, budget in (("policies", int(chars * policy_share)), ("regulations", chars)):
        limit = min(budget, chars)
        for doc in by_kind[kind]:
            if used >= limit:
                break
            for sent in document_sentences(doc.path):
                out.append(sent)
                used += len(sent)
    return out


# --------------------------------------------------------------------------------------------- lexicon


def _collect_strings(node: Any, out: set[str]) -> None:
    if isinstance(node, str):
        out.add(node)
    elif isinstance(node, list):
        for item in node:
            _collect_strings(item, out)
    elif isinstance(node, dict):
        for value in node.values():
            _collect_strings(value, out)


def _collect_terms(node: Any, in_pattern: bool, out: set[str]) -> None:
    """Strings under any/all/seq/not/exceptions inside rules (their pattern/patterns, and rule-level
    ``exceptions``); ``regex``, ``examples``, messages and the like are never read."""
    if isinstance(node, dict):
        for key, value in node.items():
            if in_pattern and key in TERM_KEYS:
                _collect_strings(value, out)
            else:
                _collect_terms(value, in_pattern or key in PATTERN_KEYS, out)
    elif isinstance(node, list):
        for item in node:
            _collect_terms(item, in_pattern, out)


def forced_terms(lexicon_dir: Path, terms_from: Path | None, cache_dir: Path) -> list[str]:
    """The lexicon terms that are true words, or the exact list a previous model recorded in its meta.json."""
    if terms_from is not None:
        meta = json.loads(terms_from.read_text(encoding="utf-8"))
        return sorted(str(t) for t in meta["forced_terms"])
    return true_words(lexicon_terms(lexicon_dir), cache_dir)


def true_words(candidates: Iterable[str], cache_dir: Path) -> list[str]:
    """Keep the candidates that are words, not phrases. Lexicon terms are often phrases ("不得限制", "中抽取",
    "与本地企业相同"); forcing those would teach the model to glue function words to content words. A term
    is a true word when jieba's dictionary lists it, or when it is a compound of exactly two dictionary words
    both tagged plain noun ``n`` there ("供应商库", "纳税大户", "企业所得税"), neither a localiser nor a
    function word the dictionary mistags as a noun."""
    tok = make_labeler([], cache_dir)
    tags = dictionary_tags()
    out = []
    for term in candidates:
        if tok.FREQ.get(term, 0) > 0:
            out.append(term)
            continue
        parts = list(tok.cut(term, HMM=False))
        if len(parts) == 2 and all(tags.get(p) == "n" and p not in NOT_COMPOUND_PARTS for p in parts):
            out.append(term)
    return sorted(out)


def dictionary_tags() -> dict[str, str]:
    import jieba

    tags: dict[str, str] = {}
    with (Path(jieba.__file__).resolve().parent / "dict.txt").open(encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if len(fields) == 3:
                tags[fields[0]] = fields[2]
    return tags


def terms_digest(terms: Sequence[str]) -> str:
    return hashlib.sha1("\n".join(terms).encode("utf-8")).hexdigest()[:12]


def lexicon_terms(lexicon_dir: Path) -> list[str]:
    """Forced words from ``lexicons/*.yaml``: terms of 2–8 CJK characters, nothing else (no punctuation)."""
    import yaml

    raw: set[str] = set()
    for path in sorted(lexicon_dir.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:  # a file being edited right now
            log.warning("skipping lexicon %s: %s", path.name, exc)
            continue
        _collect_terms(data, False, raw)
    return sorted(t for t in (s.strip() for s in raw) if TERM_RE.fullmatch(t))


# --------------------------------------------------------------------------------------------- labels


def make_labeler(terms: Iterable[str], cache_dir: Path) -> Any:
    """jieba with its bundled dictionary (explicit path, private cache) and the lexicon terms added."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    dict_path = Path(jieba.__file__).resolve().parent / "dict.txt"
    tok = jieba.Tokenizer(dictionary=str(dict_path))
    tok.tmp_dir = str(cache_dir)
    tok.initialize()
    for term in terms:  # sorted: add_word's suggested frequency depends on what was added before
        tok.add_word(term)
    return tok


def jieba_words(tok: Any, text: str) -> list[str]:
    """Words of one whitespace-free chunk."""
    return [w for w in tok.cut(text, HMM=JIEBA_HMM) if w and not w.isspace()]


def chunks(sentence: str) -> list[str]:
    """pkuseg cuts each whitespace-separated chunk on its own; so do labels and scores."""
    return sentence.split()


def write_training_file(tok: Any, sentences: Iterable[str], path: Path) -> int:
    n_chars = 0
    with path.open("w", encoding="utf-8") as f:
        for sent in sentences:
            words = [w for chunk in chunks(sent) for w in jieba_words(tok, chunk)]
            if words:
                f.write(" ".join(words) + "\n")
                n_chars += sum(map(len, words))
    return n_chars


# --------------------------------------------------------------------------------------------- scores


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, pred: set[Any], gold: set[Any]) -> None:
        self.tp += len(pred & gold)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    @property
    def f1(self) -> float:
        denom = 2 * self.tp + self.fp + self.fn
        return 100.0 * 2 * self.tp / denom if denom else 100.0


def cuts(words: Sequence[str]) -> set[int]:
    """Internal boundaries: offsets strictly inside the chunk where one word ends and the next starts."""
    out: set[int] = set()
    pos = 0
    for w in words[:-1]:
        pos += len(w)
        out.add(pos)
    return out


def spans(words: Sequence[str]) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    pos = 0
    for w in words:
        out.add((pos, pos + len(w)))
        pos += len(w)
    return out


@dataclass
class Agreement:
    boundary: Counts = field(default_factory=Counts)
    word: Counts = field(default_factory=Counts)
    chars: int = 0

    def add(self, pred: Sequence[str], gold: Sequence[str]) -> None:
        if "".join(pred) != "".join(gold):
            raise ValueError(f"segmentations of different text: {pred!r} vs {gold!r}")
        self.boundary.add(cuts(pred), cuts(gold))
        self.word.add(spans(pred), spans(gold))
        self.chars += sum(map(len, gold))


def heldout_chunks(docs: Sequence[Document], max_chars: int = 0) -> list[str]:
    out: list[str] = []
    used = 0
    for doc in docs:
        for sent in document_sentences(doc.path):
            for chunk in chunks(sent):
                out.append(chunk)
                used += len(chunk)
        if max_chars and used >= max_chars:
            break
    return out


def load_pkuseg(model_dir: Path) -> Any:
    """The model loaded the way ``fairreview.match.segmenter`` loads it: spaCy's ``zh`` tokenizer with
    spacy-pkuseg's bundled post-processing dictionary switched off. Returns the ``spacy_pkuseg.pkuseg``."""
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "pkuseg"}}})
    tokenizer: Any = nlp.tokenizer
    tokenizer.initialize(pkuseg_model=str(model_dir))
    tokenizer.pkuseg_seg.postprocesser.do_process = False
    return tokenizer.pkuseg_seg


def agreement(seg: Any, tok: Any, texts: Iterable[str]) -> Agreement:
    agr = Agreement()
    for text in texts:
        agr.add(seg.cut(text), jieba_words(tok, text))
    return agr


# --------------------------------------------------------------------------------------------- model


def trim_model(src: Path, dst: Path) -> None:
    """Copy only what loading needs: the feature tables without the training-only ``bigram`` list and
    without features whose weights are all exactly zero (re-indexed), weights compressed. Decoding is
    unchanged: a feature with zero weights adds nothing to any score."""
    import srsly

    feats = srsly.read_msgpack(str(src / "features.msgpack"))
    npz = np.load(src / "weights.npz")
    n_tag, n_feature = (int(x) for x in npz["sizes"])
    w = np.asarray(npz["w"], dtype=np.float64)
    node = w[: n_tag * n_feature].reshape(n_feature, n_tag)
    edge = w[n_tag * n_feature :]
    keep = np.any(node != 0.0, axis=1)
    keep[0] = True  # index 0 is the "$$" feature every node gets
    new_index = np.cumsum(keep) - 1
    idx_to_feature = {int(i): f for f, i in feats["feature_to_idx"].items()}
    feature_to_idx = {idx_to_feature[int(i)]: int(new_index[i]) for i in np.flatnonzero(keep)}
    new_w = np.concatenate([node[keep].reshape(-1), edge])
    dst.mkdir(parents=True, exist_ok=True)
    srsly.write_msgpack(
        str(dst / "features.msgpack"),
        {
            "unigram": feats["unigram"],
            "bigram": [],
            "feature_to_idx": feature_to_idx,
            "tag_to_idx": feats["tag_to_idx"],
        },
    )
    np.savez_compressed(dst / "weights.npz", sizes=np.array([n_tag, int(keep.sum())]), w=new_w)
    log.info("trimmed features %d -> %d", n_feature, int(keep.sum()))


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.iterdir() if p.is_file())


def train_pkuseg(train_file: Path, test_file: Path, model_dir: Path, iterations: int, seed: int) -> None:
    import spacy_pkuseg

    random.seed(seed)  # the ADF optimiser shuffles with ``random``
    np.random.seed(seed)
    spacy_pkuseg.train(str(train_file), str(test_file), str(model_dir), train_iter=iterations)


# --------------------------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--shared", type=Path, default=DEFAULT_SHARED, help="the shared/ folder (default ../shared)"
    )
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="model directory to write")
    ap.add_argument("--chars", type=int, default=1_500_000, help="training characters (default 1.5 M)")
    ap.add_argument("--iterations", type=int, default=5, help="pkuseg training iterations (default 5)")
    ap.add_argument("--seed", type=int, default=20240901)
    ap.add_argument("--policy-share", type=float, default=0.5, help="share of --chars taken from policies")
    ap.add_argument(
        "--heldout-policies", type=float, default=0.2, help="fraction of policy documents held out"
    )
    ap.add_argument(
        "--heldout-regulations", type=float, default=0.05, help="fraction of regulation documents held out"
    )
    ap.add_argument(
        "--test-chars", type=int, default=30_000, help="held-out characters pkuseg logs per iteration"
    )
    ap.add_argument("--lexicons", type=Path, default=LEXICON_DIR, help="lexicon folder (default lexicons/)")
    ap.add_argument(
        "--terms-from", type=Path, default=None, help="reuse the forced terms recorded in this meta.json"
    )
    ap.add_argument("--work", type=Path, default=None, help="keep training files here (default: a temp dir)")
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stdout)
    args = parse_args(argv)
    shared: Path = args.shared.resolve()
    out: Path = args.out.resolve()
    t0 = time.perf_counter()

    split = split_corpus(shared, args.seed, args.heldout_policies, args.heldout_regulations)
    if not split.train or not split.heldout:
        raise SystemExit(f"no corpus under {shared}/corpus (regulations/*.md, policies/*.txt)")
    with tempfile.TemporaryDirectory(prefix="fairreview-seg-") as tmp_name:
        terms = forced_terms(args.lexicons, args.terms_from, Path(tmp_name))
        log.info(
            "documents: %d train, %d held out; %d lexicon terms forced",
            len(split.train),
            len(split.heldout),
            len(terms),
        )
        work = args.work.resolve() if args.work else Path(tmp_name)
        work.mkdir(parents=True, exist_ok=True)
        tok = make_labeler(terms, Path(tmp_name))

        sentences = sample_sentences(split.train, args.chars, args.policy_share, args.seed)
        train_file = work / "train.txt"
        n_chars = write_training_file(tok, sentences, train_file)
        heldout_policies = [d for d in split.heldout if d.kind == "policies"]
        test_file = work / "test.txt"
        write_training_file(tok, heldout_chunks(heldout_policies, args.test_chars), test_file)
        log.info(
            "training file: %d sentences, %d chars (%.0f s)",
            len(sentences),
            n_chars,
            time.perf_counter() - t0,
        )

        raw_dir = work / "raw-model"
        t1 = time.perf_counter()
        train_pkuseg(train_file, test_file, raw_dir, args.iterations, args.seed)
        train_seconds = time.perf_counter() - t1

        if out.exists():
            for name in (*MODEL_FILES, "meta.json"):
                (out / name).unlink(missing_ok=True)
        trim_model(raw_dir, out)

        texts = heldout_chunks(split.heldout)
        agr = agreement(load_pkuseg(out), tok, texts)
        untrimmed, trimmed = load_pkuseg(raw_dir), load_pkuseg(out)
        if any(untrimmed.cut(t) != trimmed.cut(t) for t in texts[:3000]):
            raise SystemExit("trimming changed the model's output")
        if args.work is None:
            shutil.rmtree(raw_dir, ignore_errors=True)

    meta = {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "trained_on": (
            "Chinese local regulations (LawRefBook/Laws) and local policy documents (government sites), "
            "public domain under 著作权法 第五条; shared/corpus"
        ),
        "chars": n_chars,
        "labels": f"jieba {importlib.metadata.version('jieba')} (MIT)",
        "iterations": args.iterations,
        "seed": args.seed,
        "heldout_f1_vs_jieba": round(agr.boundary.f1, 2),
        "heldout_word_f1_vs_jieba": round(agr.word.f1, 2),
        "heldout_chars": agr.chars,
        "heldout_scored_as": "spaCy zh tokenizer, spacy-pkuseg post-processing dictionary off (as fairreview)",
        "jieba_hmm": JIEBA_HMM,
        "lexicon_terms": len(terms),
        "lexicon_terms_sha1": terms_digest(terms),
        "heldout_documents": sorted(d.name for d in split.heldout),
        "spacy_pkuseg": importlib.metadata.version("spacy-pkuseg"),
        "train_seconds": round(train_seconds),
        "forced_terms": terms,
    }
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    size = dir_size(out)
    log.info(
        "model: %s, %.1f MB; training %.0f s, total %.0f s",
        out,
        size / 1e6,
        train_seconds,
        time.perf_counter() - t0,
    )
    if size > MAX_MODEL_BYTES:
        log.warning("model directory is %.1f MB, over the 40 MiB budget", size / 1e6)
    print(
        f"held-out ({agr.chars} chars, {len(split.heldout)} documents): boundary F1 vs jieba "
        f"{agr.boundary.f1:.2f} (tp={agr.boundary.tp} fp={agr.boundary.fp} fn={agr.boundary.fn}); "
        f"word F1 {agr.word.f1:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
