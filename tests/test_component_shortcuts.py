"""The speed shortcuts of the components give what the plain algorithms give.

Each shortcut is compared with a straightforward version of the same rule (written here) on
hand-picked and on random strings: the clause start of the abbreviation window, the
Schwartz-Hearst and word-initials searches, the display name and batched ``pipe``.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from extract.canonical import canonical_name
from extract.components.abbreviations import (
    _CLAUSE_BREAK,
    _FUNCTION_WORDS,
    _WORD_PARTS,
    _WORD_SPAN,
    _clause_start,
    _function_word_at,
    _initials_start,
    _schwartz_hearst_start,
)
from extract.pipeline import Extractor

FIXTURE_PATTERNS = Path(__file__).parent / "fixtures" / "extract" / "patterns"
_ALPHABET = list("abcdeABCDE  ..,;:!?()[]\n-_/+&012ΣσİßéП") + ["and ", "the ", "of ", ". ", ".\n", "\n\n", "Σ "]


def _random_text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, n)))


# --- plain versions of the rules -------------------------------------------------------


def _clause_start_plain(text: str, lo: int, hi: int) -> int:
    breaks = list(_CLAUSE_BREAK.finditer(text[lo:hi]))
    return lo + breaks[-1].end() if breaks else lo


def _schwartz_hearst_plain(sf: str, candidate: str) -> int | None:
    s, lpos = len(sf) - 1, len(candidate) - 1
    while s >= 0:
        ch = sf[s].lower()
        if not ch.isalnum():
            s -= 1
            continue
        while (lpos >= 0 and candidate[lpos].lower() != ch) or (
            s == 0 and lpos > 0 and (candidate[lpos - 1].isalnum() or _function_word_at(candidate, lpos))
        ):
            lpos -= 1
        if lpos < 0:
            return None
        lpos -= 1
        s -= 1
    return candidate.rfind(" ", 0, lpos + 1) + 1


def _initials_plain(letters: str, candidate: str) -> int | None:
    words = list(_WORD_SPAN.finditer(candidate))
    for k in range(1, min(len(words), len(letters) + 5) + 1):
        first = words[-k]
        head = _WORD_PARTS.findall(first.group())
        if not head or head[0].lower() in _FUNCTION_WORDS:
            continue
        parts = [q for w in words[-k:] for q in _WORD_PARTS.findall(w.group())]
        every = "".join(q[0] for q in parts).lower()
        content = "".join(q[0] for q in parts if q.lower() not in _FUNCTION_WORDS).lower()
        if letters in (every, content):
            return first.start()
        if len(content) > len(letters):
            break
    return None


def _canonical_plain(forms: list[str]) -> str:
    counts: dict[str, int] = {}
    for f in forms:
        if f and f.strip():
            counts[f.strip()] = counts.get(f.strip(), 0) + 1
    if not counts:
        return ""

    def plural(form: str) -> bool:
        last = form.split()[-1].lower()
        return len(last) > 3 and last.endswith("s") and last[-2].isalpha() and not last.endswith(("ss", "us", "is"))

    return max(counts, key=lambda f: (not plural(f), counts[f], any(c.isupper() for c in f), "-" in f, len(f), f))


# --- tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "a. b (X)", "first.\n\nsecond part (X)", "x;\ny (X)", "a.\n b (X)", "(a) [b] c (X)", "no break at all (X)",
    "end?" + " word" * 40 + " (X)", ".\n" * 3 + "tail (X)", "a" * 500 + ". b (X)", "a.\n\n\n(X)",
])
def test_clause_start_matches_a_full_scan(text):
    hi = text.rindex("(")
    for lo in {0, max(0, hi - 400), max(0, hi - 30)}:
        assert _clause_start(text, lo, hi) == _clause_start_plain(text, lo, hi)


def test_clause_start_random():
    rng = random.Random(3)
    for _ in range(3000):
        text = _random_text(rng, 600)
        hi = rng.randint(0, len(text))
        lo = max(0, hi - rng.choice((400, 100, 5)))
        assert _clause_start(text, lo, hi) == _clause_start_plain(text, lo, hi), (text, lo, hi)


def test_clause_start_other_white_space():
    """A lone break character followed by any kind of white space (``\\s`` and ``str.isspace`` agree)."""
    rng = random.Random(5)
    alphabet = list("ab .;:!?()[]\n") + ["\t", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u2009", "\u3000",
                                          "\u200b", "\ufeff"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        hi = rng.randint(0, len(text))
        lo = max(0, hi - rng.choice((400, 5, 1)))
        assert _clause_start(text, lo, hi) == _clause_start_plain(text, lo, hi), (text, lo, hi)


def test_long_form_searches_random():
    rng = random.Random(5)
    for _ in range(5000):
        sf = "".join(rng.choice("ABCDabcd-İΣ2x") for _ in range(rng.randint(1, 6)))
        cand = _random_text(rng, 60)
        assert _schwartz_hearst_start(sf, cand) == _schwartz_hearst_plain(sf, cand), (sf, cand)
        letters = "".join(c for c in sf if c.isalnum()).lower()
        assert _initials_start(letters, cand) == _initials_plain(letters, cand), (letters, cand)


def test_long_form_searches_examples():
    for sf, cand in [("ARC", "we introduce the Abstraction and Reasoning Corpus"), ("PPO", "with Proximal Policy Optimization"),
                     ("SparK", "called Sparse masKed modeling"), ("ΣΑ", "the ΣΑΣ Αlpha"), ("AOG", "an And-Or graph")]:
        assert _schwartz_hearst_start(sf, cand) == _schwartz_hearst_plain(sf, cand)
        letters = "".join(c for c in sf if c.isalnum()).lower()
        assert _initials_start(letters, cand) == _initials_plain(letters, cand)


def test_canonical_name_matches_the_ranking():
    rng = random.Random(9)
    words = ["ResNet-50", "resnet-50", "ResNets", "Vision Transformers", "vision transformer", " MIM ", "", "  ",
             "Class", "classes", "u-net", "U-Net"]
    for _ in range(2000):
        forms = [rng.choice(words) for _ in range(rng.randint(0, 6))]
        assert canonical_name(forms) == _canonical_plain(forms), forms


def test_batched_pipe_gives_the_per_document_results():
    ex = Extractor(FIXTURE_PATTERNS)
    items = [("SparK: Sparse masKed modeling", "We propose masked image modeling (MIM) on ImageNet-1K. MIM helps."),
             ("", "We use ResNet-50 (e.g. on CIFAR-10) and report 84.3% accuracy."),
             ("A title", ""), ("", ""), ("Vision Transformers", "ViT-B/16 (Dosovitskiy et al.) beats CNNs.")]
    one_by_one = [ex.extract(t, a) for t, a in items]
    for batch_size in (1, 2, 256):
        assert list(ex.pipe(items, batch_size=batch_size)) == one_by_one
