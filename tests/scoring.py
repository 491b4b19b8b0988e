"""Document-level scoring of extractions against our hand-labelled fixtures (tests only).

The same rules as the shared scorer: names are normalised (NFKC, case, dashes, a final plural), each gold
entity counts once per document with all its names, each predicted canonical entity counts once.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from extract.records import Extraction

TYPES = ("method", "dataset", "metric", "task")


def _norm(s: str) -> str:
    """The name normalisation of the shared scorer."""
    s = unicodedata.normalize("NFKC", s).lower()
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    words = re.findall(r"[a-z0-9@]+", s)
    if words and len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


def score_documents(gold_docs: list[dict], predictions: dict[str, Extraction]) -> dict[str, dict[str, float]]:
    """Strict document-level P/R/F1 per type; one count per gold entity and per predicted canonical."""
    tp_p, tp_g, n_p, n_g = (defaultdict(int) for _ in range(4))
    for doc in gold_docs:
        gold = [(e["type"], {_norm(n) for n in e["aliases"] + [e["canonical"]]}) for e in doc["entities"]]
        groups: dict[tuple[str, str], set[str]] = defaultdict(set)
        for m in predictions[doc["id"]].mentions:
            groups[(m.type, _norm(m.canonical))].update({_norm(m.text), _norm(m.canonical)})
        pred = [(t, names) for (t, _), names in groups.items()]
        for t in TYPES:
            g = [n for tt, n in gold if tt == t]
            p = [n for tt, n in pred if tt == t]
            n_g[t] += len(g)
            n_p[t] += len(p)
            tp_g[t] += sum(any(gn & pn for pn in p) for gn in g)
            tp_p[t] += sum(any(gn & pn for gn in g) for pn in p)
    out = {}
    for t in TYPES:
        prec = tp_p[t] / n_p[t] if n_p[t] else 0.0
        rec = tp_g[t] / n_g[t] if n_g[t] else 0.0
        out[t] = {"p": prec, "r": rec, "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0}
    return out
