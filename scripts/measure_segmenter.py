#!/usr/bin/env python
"""Measure word segmenters on held-out policy text: agreement with jieba, load time, speed, peak memory.

    .venv/bin/python scripts/measure_segmenter.py
    .venv/bin/python scripts/measure_segmenter.py --pkuseg-default /tmp/pkuseg/models/default  # research

The sample is the policy documents that ``scripts/train_segmenter.py`` held out (listed in the model's
``meta.json``), so none of it was used for training. Every segmenter runs in its own Python subprocess, so
load time and peak memory (``resource.getrusage``) are its own; agreement is scored in this process.

Segmenters:
  fairreview      the shipped model as the project loads it (``fairreview.match.segmenter.load_segmenter``:
                  spaCy's zh tokenizer, which also applies spacy-pkuseg's bundled post-processing dictionary)
  model-raw       the same weights through ``spacy_pkuseg.pkuseg(..., user_dict=None)``: no dictionary
  jieba           the reference: jieba's bundled dictionary, HMM on, the forced lexicon terms the model
                  was trained with (its meta.json)
  char            one token per character (what the scanner uses without a model)
  pkuseg-default  pkuseg's ``default`` ("mixed") model from the old ``pkuseg`` wheel, only with
                  --pkuseg-default DIR; trained on research-only corpora: for comparison, never shipped
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent
REPO_ROOT = SCRIPTS.parent
sys.path.insert(0, str(SCRIPTS))
ts: Any = importlib.import_module("train_segmenter")

SEGMENTERS = ("fairreview", "model-raw", "jieba", "char", "pkuseg-default")
#: Library imports timed apart from loading the model itself.
HEAVY_IMPORTS: dict[str, tuple[str, ...]] = {
    "fairreview": ("spacy", "spacy.lang.zh", "spacy_pkuseg"),
    "model-raw": ("spacy_pkuseg",),
    "pkuseg-default": ("spacy_pkuseg",),
    "jieba": ("jieba",),
    "char": (),
}


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _load(name: str, model: Path, pkuseg_default: Path | None, lexicons: Path, tmp: Path) -> Any:
    """A callable text -> list of words, loaded the way the segmenter is really used."""
    if name == "fairreview":
        try:
            sys.path.insert(0, str(REPO_ROOT))
            from fairreview.match.segmenter import load_segmenter
        except Exception:  # the package is mid-edit: do the same spaCy calls directly
            seg = ts.load_pkuseg(model)
            return seg.cut
        segmenter = load_segmenter("pkuseg", str(model))
        return lambda text: [text[s:e] for s, e in segmenter.spans(text)]
    if name == "model-raw":
        import spacy_pkuseg

        return spacy_pkuseg.pkuseg(str(model), user_dict=None).cut
    if name == "pkuseg-default":
        import spacy_pkuseg

        assert pkuseg_default is not None
        return spacy_pkuseg.pkuseg(str(pkuseg_default), user_dict="default").cut
    if name == "jieba":
        meta = model / "meta.json"  # the labeler the model was trained against: same forced terms
        has_terms = "forced_terms" in json.loads(meta.read_text(encoding="utf-8"))
        tok = ts.make_labeler(ts.forced_terms(lexicons, meta if has_terms else None, tmp), tmp)
        return lambda text: ts.jieba_words(tok, text)
    if name == "char":
        return list
    raise ValueError(name)


def worker(args: argparse.Namespace) -> None:
    """Runs in a subprocess: load one segmenter, cut the sample, report timings and the words."""
    texts = json.loads(Path(args.sample).read_text(encoding="utf-8"))
    rss_start = _maxrss_mb()
    t_import = time.perf_counter()
    for module in HEAVY_IMPORTS[args.worker]:
        importlib.import_module(module)
    import_s = time.perf_counter() - t_import
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        cut = _load(args.worker, args.model, args.pkuseg_default, args.lexicons, Path(tmp))
        cut("排除、限制竞争的规定")  # lazy parts (jieba's prefix dictionary) count as loading
        load_s = time.perf_counter() - t0
        rss_loaded = _maxrss_mb()
        t1 = time.perf_counter()
        words = [cut(text) for text in texts]
        cut_s = time.perf_counter() - t1
    chars = sum(map(len, texts))
    result = {
        "name": args.worker,
        "import_s": import_s,
        "load_s": load_s,
        "chars": chars,
        "cut_s": cut_s,
        "chars_per_s": chars / cut_s if cut_s else 0.0,
        "rss_start_mb": rss_start,
        "rss_loaded_mb": rss_loaded,
        "peak_rss_mb": _maxrss_mb(),
        "words": words,
    }
    Path(args.result).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


def run_worker(name: str, args: argparse.Namespace, sample: Path, tmp: Path) -> dict[str, Any]:
    result = tmp / f"{name}.json"
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        name,
        "--sample",
        str(sample),
        "--result",
        str(result),
        "--model",
        str(args.model),
        "--lexicons",
        str(args.lexicons),
    ]
    if args.pkuseg_default:
        cmd += ["--pkuseg-default", str(args.pkuseg_default)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"segmenter {name} failed:\n{proc.stderr}")
    data: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    return data


def heldout_policy_sample(model: Path, shared: Path, max_chars: int) -> tuple[list[str], dict[str, Any]]:
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    names = [n for n in meta["heldout_documents"] if n.startswith("policies/")]
    docs: list[Any] = []
    texts: list[str] = []
    for name in names:  # whole documents until max_chars is reached
        if max_chars and sum(map(len, texts)) >= max_chars:
            break
        docs.append(ts.Document("policies", shared / "corpus" / name))
        texts.extend(ts.heldout_chunks(docs[-1:]))
    # an honesty check: held-out documents whose text is also in a training document (duplicates)
    held = set(names)
    train_hashes = {
        hashlib.sha1(p.read_bytes()).hexdigest()
        for p in sorted((shared / "corpus" / "policies").glob("*.txt"))
        if f"policies/{p.name}" not in held
    }
    dupes = sum(hashlib.sha1(d.path.read_bytes()).hexdigest() in train_hashes for d in docs)
    info = {"documents": len(docs), "duplicates_of_training_documents": dupes, "meta": meta}
    return texts, info


def score(words: list[list[str]], gold: list[list[str]]) -> Any:
    agr = ts.Agreement()
    for pred, ref in zip(words, gold, strict=True):
        agr.add(pred, ref)
    return agr


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=ts.DEFAULT_OUT, help="model directory (default: shipped)")
    ap.add_argument("--shared", type=Path, default=ts.DEFAULT_SHARED)
    ap.add_argument("--lexicons", type=Path, default=ts.LEXICON_DIR)
    ap.add_argument("--pkuseg-default", type=Path, default=None, help="pkuseg's default model dir (research)")
    ap.add_argument(
        "--max-chars", type=int, default=0, help="cap the sample (default: all held-out policies)"
    )
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    ap.add_argument("--worker", choices=SEGMENTERS, help=argparse.SUPPRESS)
    ap.add_argument("--sample", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args)
        return 0

    model: Path = args.model.resolve()
    texts, info = heldout_policy_sample(model, args.shared.resolve(), args.max_chars)
    names = [n for n in SEGMENTERS if n != "pkuseg-default" or args.pkuseg_default]
    rows: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="fairreview-measure-") as tmp_name:
        tmp = Path(tmp_name)
        sample = tmp / "sample.json"
        sample.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        for name in names:
            rows[name] = run_worker(name, args, sample, tmp)
    gold = rows["jieba"]["words"]
    chars = sum(map(len, texts))
    print(
        f"sample: {info['documents']} held-out policy documents, {len(texts)} chunks, {chars} characters "
        f"({info['duplicates_of_training_documents']} byte-identical to a training document)"
    )
    print(f"model: {model} ({info['meta'].get('name')} {info['meta'].get('version')})")
    header = (
        f"{'segmenter':<15} {'boundary F1':>11} {'P':>6} {'R':>6} {'word F1':>8} "
        f"{'import s':>8} {'load s':>7} {'chars/s':>9} {'peak MB':>8}"
    )
    print(header)
    summary: dict[str, Any] = {"sample_chars": chars, "sample_documents": info["documents"], "segmenters": {}}
    for name, row in rows.items():
        agr = score(row["words"], gold)
        b = agr.boundary
        prec = 100.0 * b.tp / (b.tp + b.fp) if b.tp + b.fp else 100.0
        rec = 100.0 * b.tp / (b.tp + b.fn) if b.tp + b.fn else 100.0
        print(
            f"{name:<15} {b.f1:>11.2f} {prec:>6.2f} {rec:>6.2f} {agr.word.f1:>8.2f} {row['import_s']:>8.2f} "
            f"{row['load_s']:>7.2f} {row['chars_per_s']:>9.0f} {row['peak_rss_mb']:>8.0f}"
        )
        summary["segmenters"][name] = {
            "boundary_f1": round(b.f1, 2),
            "boundary_precision": round(prec, 2),
            "boundary_recall": round(rec, 2),
            "word_f1": round(agr.word.f1, 2),
            "import_s": round(row["import_s"], 3),
            "load_s": round(row["load_s"], 3),
            "chars_per_s": round(row["chars_per_s"]),
            "rss_start_mb": round(row["rss_start_mb"]),
            "rss_loaded_mb": round(row["rss_loaded_mb"]),
            "peak_rss_mb": round(row["peak_rss_mb"]),
        }
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
