"""More context-rule shortcuts, each pinned against the plain code it stands for."""

from __future__ import annotations

import random

from extract.components.context import (
    _APPOSITIVE,
    _SUBJ_BEFORE,
    _VERB_DET,
    _dataset_name_ok,
    _head_word_after,
    _subject_before,
    _ten_words,
)


def test_subject_before_is_the_regex_search():
    """The fast path (one space, a word of letters) and the backward steps give what the regex gives."""
    rnd = random.Random(3)
    parts = ["we", "We", "paper", "also", "first", "x", "  ", " ", "\n", "(", "-", "further", "thus", "a", "ourwe",
             "_we", "9", "é", "work", "Report", "then we"]
    checked = 0
    for _ in range(3000):
        t = "".join(rnd.choice(parts) + rnd.choice(["", " ", "  ", "\t"]) for _ in range(rnd.randint(0, 14))) + " "
        for a in range(len(t) + 1):
            assert _subject_before(t, a) == bool(_SUBJ_BEFORE.search(t, max(0, a - 45), a)), (t, a)
            checked += 1
    assert checked > 50_000


def test_appositive_forward_regex_on_lower_case_ascii(ctx):
    """``app_fwd_lower`` on an ASCII text made lower case matches as ``app_fwd`` (re.I) on the text."""
    rnd = random.Random(4)
    words = ["a", "novel", "Framework", "LLM", "MLLMs", "data", "set", "Language", "model", "models", "x-y", "of",
             "Benchmark", "benchmarks", "test", "Set", "evaluation", "metric", "2", "modeling", "(", "the", "network"]
    found = 0
    for _ in range(20000):
        text = ", a " + " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 9))) + rnd.choice(["", ".", " x"])
        assert text.isascii()
        for m in _APPOSITIVE.finditer(text):
            plain = ctx.app_fwd.match(text, m.end())
            fast = ctx.app_fwd_lower.match(text.lower(), m.end())
            assert (plain is None) == (fast is None), text
            if plain:
                found += 1
                assert plain.span() == fast.span() and plain.span("head") == fast.span("head"), text
                assert plain.group("mods").lower() == fast.group("mods"), text
    assert found > 1000


def test_head_word_after_holds_wherever_the_proposal_head_regex_matches(ctx):
    """``_head_word_after`` is a necessary condition of ``ctx.proposal_head`` (the rule skips the regex when it
    does not hold), and it does not hold everywhere."""
    rnd = random.Random(7)
    words = ["we", "propose", "a", "an", "the", "new", "novel", "framework", "frameworks", "framework,", ",", ",X",
             "called", "named", "X", "“X”", "'X", '"X', "mBERT", "x", "3D", "language", "model", "models,", "LLM",
             "llm", "data", "set", "benchmark", "deep", "put", "forward", "(", "é", "dataset,called", "named,",
             "calledX", "Framework", "9"]
    matched = rejected = 0
    for _ in range(6000):
        text = " ".join(rnd.choice(words) + rnd.choice(["", "", " ", "\n"]) for _ in range(rnd.randint(2, 16)))
        for a in range(len(text)):
            vd = _VERB_DET.match(text, a)
            if not vd:
                continue
            holds = _head_word_after(text, vd.end(), ctx)
            if ctx.proposal_head.match(text, a):
                assert holds, (text, a)
                matched += 1
            elif not holds:
                rejected += 1
    assert matched > 500 and rejected > 500


def test_dataset_name_ok_by_name_is_the_check_of_its_words(ctx):
    """The memo of ``_dataset_name_ok`` is keyed by the name (the words joined by single spaces)."""
    rnd = random.Random(8)
    words = ["ImageNet", "Visual", "Genome", "English", "DNN", "Yelp", "Diagnostic", "MS-COCO", "Places365", "KITTI",
             "Impossible", "Replay-Attack", "New", "Large", "3D", "SQuAD", "Chinese", "ResNet"]
    gaz = {"imagenet": "dataset", "dnn": "method", "resnet": "method"}
    for gaz_types in (None, gaz):
        for _ in range(3000):
            keep = [rnd.choice(words) for _ in range(rnd.randint(1, 4))]
            assert ctx.dataset_name_ok(" ".join(keep), gaz_types) == _dataset_name_ok(keep, ctx, gaz_types), keep


def test_ten_words_reads_what_a_split_of_the_whole_rest_gives():
    """``_ten_words``: the first nine words and the first word of the tenth part, as the whole split."""
    rnd = random.Random(9)
    words = ["a", "framework", "x" * 30, "called", "Name", "of", "\n", "the", "word" * 25, ",", "“X”"]
    for _ in range(3000):
        text = "".join(rnd.choice(words) + rnd.choice([" ", "  ", "\t", ""]) for _ in range(rnd.randint(1, 40)))
        for p in range(0, len(text), 7):
            full = text[p:].split(None, 9)
            got = _ten_words(text, p)
            assert got[:9] == full[:9] and len(got) == len(full), (text, p)
            if len(full) == 10:
                assert got[9].split(None, 1)[0] == full[9].split(None, 1)[0], (text, p)
