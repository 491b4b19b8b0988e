"""Synthetic benchmark corpora: realistic ML-style abstracts in the arXiv snapshot layout.

``python bench/gen_corpus.py N OUT.jsonl [--seed S]`` writes ``N`` JSON Lines records with the keys of the
Kaggle arXiv metadata snapshot (``id``, ``title``, ``abstract``, ``categories``, ``authors``,
``update_date``), so ``litkg build`` reads them with its ``arxiv`` reader. Nothing is downloaded.

What makes the text realistic enough to measure scale:

* invented names built from syllables, in the shapes real names have — CamelCase methods with a
  suffix and sizes/versions (``FlorNet-B``, ``Quadiformer-v2``), datasets (``Quobe-40K``,
  ``MarVin-QA``), plus a few real head names (ImageNet, COCO, ResNet-50, BERT) as hubs;
* long-tailed usage: names are drawn by Zipf-like rank (``rank = floor(V ** u)``, P(rank) ~ 1/rank),
  so a handful of entities appear in a large share of papers and most appear once or twice;
  most papers also propose a fresh method name of their own;
* sentence templates in the style of ML abstracts (problem, proposal, method, experiments, numeric
  results, comparison, code link), about 180 words, with a long-tailed filler vocabulary;
* code links (``https://github.com/owner/repo``) in about 35% of papers.

The output is a deterministic function of ``(N, seed)`` and *prefix-stable*: the first 10,000 records
of a 100,000-record corpus are the 10,000-record corpus. Records are written one by one (constant
memory); 1M records take a couple of minutes.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

# ---- vocabulary building blocks ------------------------------------------------------------------

_ONSETS = ["b", "br", "c", "ch", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k", "kl", "l", "m", "n", "p",
           "pl", "qu", "r", "s", "sk", "sl", "st", "t", "th", "tr", "v", "w", "z", "zh"]
_NUCLEI = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y"]
_CODAS = ["", "", "", "n", "r", "l", "s", "x", "m", "th", "nd", "rk", "v"]

METHOD_SUFFIXES = ["Net", "Former", "GAN", "BERT", "Diff", "Seg", "Det", "Flow", "Mixer", "GPT", "Fusion",
                   "Match", "Track", "NeRF", "Rec", "Vision", "Mamba", "Graph", "Prompt", "Align", "Tok", "RL",
                   "Distill", "Adapter", "Coder", "LM", "Gen", "Pose", "Depth", "Stereo"]
METHOD_VARIANTS = ["-S", "-B", "-L", "-XL", "-T", "-v2", "-v3", "-Tiny", "-Base", "-Large", "-50", "-101", "-7B",
                   "-13B", "++", "-Lite"]
DATASET_SUFFIXES = ["", "", "-10K", "-40K", "-100K", "-1M", "-QA", "-Bench", "-VOS", "-3D", "-Seg", "-Det", "-2",
                    "-Ego", "-Med", "-Text", "-Code", "-Dial"]
DATASET_TAILS = ["", "", "", "", " dataset", " benchmark", " corpus"]

# Real head names (used as the most frequent ranks: the hubs of a real graph).
REAL_METHODS = ["Transformer", "ResNet-50", "BERT", "ViT-B/16", "CLIP", "U-Net", "GPT-4", "LLaMA-2-7B", "Swin-T",
                "ConvNeXt", "Faster R-CNN", "DETR", "ResNet-101", "RoBERTa", "T5", "YOLOv8", "Stable Diffusion",
                "GCN", "LSTM", "PointNet++"]
REAL_DATASETS = ["ImageNet", "COCO", "CIFAR-10", "ADE20K", "Cityscapes", "SQuAD", "GLUE", "Kinetics-400", "MNIST",
                 "MS MARCO", "Pascal VOC", "ScanNet", "nuScenes", "LibriSpeech", "WMT14", "HumanEval", "GSM8K",
                 "MMLU", "CIFAR-100", "KITTI"]
METRICS = [("top-1 accuracy", "%"), ("accuracy", "%"), ("mAP", ""), ("mIoU", "%"), ("F1 score", ""),
           ("BLEU", ""), ("ROUGE-L", ""), ("PSNR", " dB"), ("SSIM", ""), ("FID", ""), ("AUC", ""),
           ("Recall@1", "%"), ("exact match", "%"), ("perplexity", ""), ("word error rate", "%"),
           ("AP50", ""), ("NDCG@10", ""), ("MRR", ""), ("success rate", "%"), ("pass@1", "%"),
           ("Dice score", "%"), ("top-5 accuracy", "%"), ("CIDEr", ""), ("mean absolute error", ""),
           ("Spearman correlation", ""), ("IoU", "%"), ("recall", "%"), ("precision", "%")]
TASKS = ["image classification", "object detection", "semantic segmentation", "instance segmentation",
         "machine translation", "question answering", "text classification", "language modeling",
         "speech recognition", "image generation", "text-to-image generation", "video understanding",
         "action recognition", "pose estimation", "depth estimation", "3D object detection",
         "point cloud segmentation", "visual question answering", "image captioning", "text-video retrieval",
         "named entity recognition", "relation extraction", "summarization", "code generation",
         "mathematical reasoning", "dialogue generation", "recommendation", "link prediction",
         "node classification", "graph classification", "anomaly detection", "time series forecasting",
         "reinforcement learning", "imitation learning", "domain adaptation", "continual learning",
         "few-shot learning", "image super-resolution", "image denoising", "optical flow estimation",
         "multi-object tracking", "visual grounding", "medical image segmentation", "sentiment analysis",
         "document understanding", "open-vocabulary detection", "novel view synthesis", "motion forecasting",
         "keyword spotting", "text-to-speech synthesis"]
CATEGORIES = ["cs.CV", "cs.CL", "cs.LG", "cs.AI", "cs.IR", "cs.RO", "cs.SD", "stat.ML", "eess.IV", "cs.NE"]

ADJECTIVES = ["efficient", "scalable", "robust", "lightweight", "unified", "simple", "hierarchical", "adaptive",
              "sparse", "dense", "contrastive", "generative", "self-supervised", "multi-scale", "progressive",
              "modular", "compact", "latent", "causal", "structured", "dynamic", "implicit", "explicit",
              "parameter-efficient", "data-efficient", "training-free", "zero-shot", "multimodal", "recurrent",
              "equivariant", "probabilistic", "differentiable", "autoregressive", "bidirectional", "local",
              "global", "cross-modal", "task-agnostic", "uncertainty-aware", "memory-efficient"]
NOUNS = ["attention", "representation", "encoder", "decoder", "objective", "regularizer", "module", "backbone",
         "tokenizer", "embedding", "prior", "memory", "router", "loss", "alignment", "distillation",
         "augmentation", "pretraining", "fine-tuning", "retrieval", "aggregation", "quantization", "pruning",
         "sampling", "calibration", "supervision", "curriculum", "scheduler", "head", "adapter", "prompt",
         "graph", "kernel", "pooling", "normalization", "mixture of experts", "diffusion process", "codebook"]
VERBS = ["improves", "outperforms", "surpasses", "matches", "exceeds", "beats"]
OWNERS_TAIL = ["lab", "ai", "group", "research", "ml", "vision", "nlp", "team", "", "", ""]


def _syllable(r: int) -> str:
    o = _ONSETS[r % len(_ONSETS)]
    r //= len(_ONSETS)
    n = _NUCLEI[r % len(_NUCLEI)]
    r //= len(_NUCLEI)
    c = _CODAS[r % len(_CODAS)]
    return o + n + c


_SYL = len(_ONSETS) * len(_NUCLEI) * len(_CODAS)  # 4,160 syllables


class Vocabulary:
    """Invented names as deterministic functions of a rank (no stored lists: any vocabulary size).

    ``salt`` (from the seed) permutes which syllables a rank gets, so two seeds give two vocabularies.
    """

    def __init__(self, seed: int) -> None:
        self.salt = (seed * 2_654_435_761 + 97) % 1_000_003

    def _syls(self, rank: int, k: int, stream: int) -> list[str]:
        x = (rank * 7_919 + self.salt * 31 + stream * 104_729) % 2_147_483_647
        out = []
        for _ in range(k):
            x = (x * 48_271) % 2_147_483_647
            out.append(_syllable(x % _SYL))
        return out

    def method(self, rank: int) -> str:
        """A method name: a real head name for the top ranks, else e.g. ``Florquonet`` / ``ZentraFormer-B``."""
        if rank < len(REAL_METHODS):
            return REAL_METHODS[rank]
        s = self._syls(rank, 2, 1)
        base = s[0].capitalize() + s[1]
        x = rank * 2_246_822_519 + self.salt
        style = x % 7
        if style <= 3:
            name = base.capitalize() + METHOD_SUFFIXES[(x >> 3) % len(METHOD_SUFFIXES)]
        elif style == 4:
            name = (s[0] + s[1][:2]).upper()[:5]  # an acronym-like name: "FLOQU"
        else:
            name = s[0].capitalize() + s[1].capitalize()
        if (x >> 9) % 4 == 0:
            name += METHOD_VARIANTS[(x >> 11) % len(METHOD_VARIANTS)]
        return name

    def dataset(self, rank: int) -> str:
        if rank < len(REAL_DATASETS):
            return REAL_DATASETS[rank]
        s = self._syls(rank, 2, 2)
        x = rank * 3_266_489_917 + self.salt
        base = s[0].capitalize() + (s[1] if x % 3 else s[1].capitalize())
        return base + DATASET_SUFFIXES[(x >> 4) % len(DATASET_SUFFIXES)]

    def term(self, rank: int) -> str:
        """An invented lower-case technical word (the long tail of an abstract's vocabulary)."""
        s = self._syls(rank, 2 + rank % 2, 3)
        return "".join(s) + ("ive", "al", "ic", "ed", "ing", "")[rank % 6]

    def person(self, rank: int) -> str:
        s = self._syls(rank, 3, 4)
        return f"{s[0][0].upper()}. {s[1].capitalize()}{s[2]}"

    def owner(self, rank: int) -> str:
        s = self._syls(rank, 2, 5)
        return s[0] + s[1] + OWNERS_TAIL[rank % len(OWNERS_TAIL)]


def zipf_rank(rng: random.Random, size: int) -> int:
    """A rank in ``[0, size)`` with P(rank) roughly proportional to 1 / (rank + 1)."""
    return min(size - 1, int(math.exp(rng.random() * math.log(size + 1))) - 1)


# ---- abstract templates ------------------------------------------------------------------------

INTRO = [
    "{Task} remains a central problem in machine learning, yet existing approaches struggle with {adj} {noun} "
    "under limited {noun2}.",
    "Recent progress in {task} has been driven by large {adj} models, but their {noun} is costly and their "
    "behaviour on {adj2} data is poorly understood.",
    "Despite rapid advances, {task} methods such as {base} still rely on hand-crafted {noun} and fail to "
    "generalize beyond the benchmarks they were tuned on.",
    "A key challenge in {task} is learning {adj} {noun} that transfer across domains without expensive "
    "{noun2} or task-specific engineering.",
    "{Task} is increasingly important for real-world applications, where {adj} inputs and {term} "
    "distribution shifts are the norm rather than the exception.",
]
PROPOSE = [
    "In this paper, we propose {M}, a {adj} {noun} framework for {task} that combines {term} {noun2} with "
    "{adj2} {noun3}.",
    "We introduce {M}, a {adj} architecture that learns {noun} and {noun2} jointly for {task}.",
    "To address these issues, we present {M}, which replaces the {noun} of {base} with a {adj} {term} "
    "{noun2}.",
    "This work proposes {M}, a {adj} approach to {task} built on a {adj2} {noun} and a {term} {noun2}.",
    "We present {M}, a {adj} and {adj2} model for {task}.",
]
METHOD = [
    "The key idea is a {adj} {noun} that aggregates {term} features at multiple scales while keeping the "
    "computational cost linear in the input length.",
    "{M} first encodes the input with a {adj} {noun}, then refines it with a {term} {noun2} trained with a "
    "{adj2} objective.",
    "Unlike prior work, our {noun} requires no additional labels and can be plugged into existing backbones "
    "such as {base} with minimal changes.",
    "We further design a {adj} {noun} that stabilizes training and a {term} {noun2} that reduces memory by a "
    "large margin.",
    "Our analysis shows that the {noun} acts as a {adj} regularizer, which explains the improved {noun2} we "
    "observe in practice.",
    "The resulting model is {adj}, easy to implement, and compatible with {adj2} {noun} schedules.",
]
EXPERIMENTS = [
    "Extensive experiments on {D1} and {D2} show that {M} consistently outperforms strong baselines.",
    "We evaluate {M} on {D1}, {D2} and {D3}, covering {task} and {task2}.",
    "Experiments on the {D1} benchmark and on {D2} demonstrate the effectiveness of our approach.",
    "We conduct comprehensive experiments on {D1} and {D2}, together with ablations of every component.",
]
RESULTS = [
    "{M} achieves {v1}{u1} {metric1} on {D1}, outperforming {base} by {gap} points.",
    "On {D1}, {M} reaches {v1}{u1} {metric1}, and it obtains {v2}{u2} {metric2} on {D2}.",
    "Notably, {M} {verb} the previous state of the art {base} on {D2} while using {ratio}x fewer parameters.",
    "Compared with {base} and {base2}, {M} improves {metric1} by {gap} points on {D1} at a similar cost.",
    "Our model sets a new state of the art of {v2}{u2} {metric2} on {D3}.",
]
CLOSING = [
    "We hope {M} will serve as a strong baseline for future research on {task}.",
    "These results suggest that {adj} {noun} is a promising direction for {task2}.",
    "Ablation studies confirm that each component contributes to the final performance.",
    "Our findings also shed light on the role of {noun} in {adj} {task} systems.",
]
CODE = [
    "Code is available at {url}.",
    "Code and pretrained models are available at {url}.",
    "The source code is publicly released at {url}.",
    "Our implementation is available at {url}.",
]
TITLES = [
    "{M}: {Adj} {Noun} for {Task}",
    "{M}: Towards {Adj} {Task}",
    "{Adj} {Task} with {M}",
    "Rethinking {Noun} for {Adj} {Task}",
    "{M}: A {Adj} {Noun} Approach to {Task} on {D1}",
    "Learning {Adj} {Noun} for {Task}",
]

METHOD_VOCAB = 200_000
DATASET_VOCAB = 40_000
TERM_VOCAB = 50_000
PEOPLE = 300_000
OWNERS = 100_000


def _title_case(s: str) -> str:
    return " ".join(w if w[:1].isupper() else w.capitalize() for w in s.split(" "))


class CorpusGenerator:
    """Yields arXiv-snapshot-layout records; deterministic and prefix-stable for a seed."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.vocab = Vocabulary(seed)

    def _method(self) -> str:
        return self.vocab.method(zipf_rank(self.rng, METHOD_VOCAB))

    def _dataset(self) -> str:
        return self.vocab.dataset(zipf_rank(self.rng, DATASET_VOCAB))

    def _datasets(self, k: int) -> list[str]:
        out: list[str] = []
        for _ in range(k * 3):
            d = self._dataset()
            if d not in out:
                out.append(d)
            if len(out) == k:
                break
        while len(out) < k:
            out.append(self.vocab.dataset(len(REAL_DATASETS) + self.rng.randrange(DATASET_VOCAB)))
        return out

    def _value(self, unit: str) -> str:
        r = self.rng
        if unit == "%":
            return f"{r.uniform(35, 97):.1f}"
        if unit == " dB":
            return f"{r.uniform(24, 42):.2f}"
        return f"{r.uniform(0.2, 60):.{r.choice((1, 2))}f}"

    def record(self, index: int) -> dict:
        r = self.rng
        v = self.vocab
        task, task2 = r.choice(TASKS), TASKS[zipf_rank(r, len(TASKS))]
        # 70% of papers name a fresh method of their own; the rest build on a (long-tailed) existing one.
        if r.random() < 0.7:
            method = v.method(METHOD_VOCAB + index * 3 + self.seed % 3)
        else:
            method = self._method()
        base, base2 = self._method(), self._method()
        d1, d2, d3 = self._datasets(3)
        (metric1, u1), (metric2, u2) = r.sample(METRICS, 2)
        slots = {
            "M": method, "base": base, "base2": base2, "D1": d1, "D2": d2, "D3": d3,
            "task": task, "task2": task2, "Task": task[0].upper() + task[1:],
            "adj": r.choice(ADJECTIVES), "adj2": r.choice(ADJECTIVES),
            "noun": r.choice(NOUNS), "noun2": r.choice(NOUNS), "noun3": r.choice(NOUNS),
            "term": v.term(zipf_rank(r, TERM_VOCAB)),
            "metric1": metric1, "metric2": metric2, "u1": u1, "u2": u2,
            "v1": self._value(u1), "v2": self._value(u2), "gap": f"{r.uniform(0.3, 6.5):.1f}",
            "ratio": str(r.randint(2, 9)), "verb": r.choice(VERBS),
        }
        parts = [r.choice(INTRO), r.choice(INTRO) if r.random() < 0.4 else "", r.choice(PROPOSE)]
        parts += r.sample(METHOD, 3 if r.random() < 0.6 else 4)
        parts.append(r.choice(EXPERIMENTS))
        parts += r.sample(RESULTS, 2)
        parts.append(r.choice(CLOSING))
        if r.random() < 0.35:
            owner = v.owner(zipf_rank(r, OWNERS))
            repo = method.replace("/", "-").replace(" ", "-").replace("+", "p")
            slots["url"] = f"https://github.com/{owner}/{repo}"
            parts.append(r.choice(CODE))
        abstract = " ".join(p.format(**slots) for p in parts if p)
        tslots = dict(slots, Adj=_title_case(slots["adj"]), Noun=_title_case(slots["noun"]),
                      Task=_title_case(task))
        title = r.choice(TITLES).format(**tslots)
        month = index % 132  # 2015-01 .. 2025-12
        yy, mm = 15 + month // 12, month % 12 + 1
        day = r.randint(1, 28)
        n_authors = 1 + min(11, int(r.expovariate(0.35)))
        names = [v.person(zipf_rank(r, PEOPLE)) for _ in range(n_authors)]
        authors = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        cats = [CATEGORIES[zipf_rank(r, len(CATEGORIES))] for _ in range(1 + r.randrange(3))]
        return {
            "id": f"{yy:02d}{mm:02d}.{index // 132 + 1:05d}",
            "submitter": names[0],
            "authors": authors,
            "title": title,
            "comments": None,
            "journal-ref": None,
            "doi": None,
            "categories": " ".join(dict.fromkeys(cats)),
            "abstract": abstract,
            "update_date": f"20{yy:02d}-{mm:02d}-{day:02d}",
        }

    def records(self, n: int) -> Iterator[dict]:
        for i in range(n):
            yield self.record(i)


def write_corpus(n: int, out: str | Path, seed: int = 0) -> Path:
    """Write ``n`` records to ``out`` (JSON Lines); returns the path."""
    if n > 132 * 99_999:
        raise ValueError("at most 13,199,868 records (arXiv-style ids run out)")
    out = Path(out)
    gen = CorpusGenerator(seed)
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    with out.open("w", encoding="utf-8") as f:
        buf: list[str] = []
        for rec in gen.records(n):
            buf.append(dumps(rec))
            if len(buf) >= 2000:
                f.write("\n".join(buf) + "\n")
                buf.clear()
        if buf:
            f.write("\n".join(buf) + "\n")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of papers")
    ap.add_argument("out", help="output JSON Lines file")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    write_corpus(args.n, args.out, args.seed)
    dt = time.perf_counter() - t0
    print(f"wrote {args.n:,} papers to {args.out} in {dt:.1f} s ({args.n / max(dt, 1e-9):,.0f}/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
