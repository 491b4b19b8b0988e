"""Role detection over the normaliser's mentions: choosing the mentions that can be proposed with one
comprehension (proposed, at a slot or at char 0) gives the keys of the plain loop over every mention, on
random mentions, slots and texts."""

from __future__ import annotations

import random
import re

from extract.components.role import _OWN_VOICE, _PROPOSAL_RULES, RoleDetector, _slots_near
from extract.components.state import STATE_KEY, Cand, DocState, sentence_index

_WORDS = ["we", "propose", "our", "model", "This", "paper", "X", "Net:", "uses", ",", "called", "\"", "a", "us"]
_RULES = ("gazetteer", "gazetteer-generic", "title", "proposal", "appositive", "naming", "head-method", "shape")


def _plain_keys(st: DocState) -> set[str]:
    """The rule with every mention tested in turn (as written before the comprehension)."""
    text = st.text
    proposed: set[str] = set()
    slot_at = _slots_near(st.proposal_slots)

    def voiced(pos: int) -> bool:
        si = sentence_index(st, pos)
        ss = st.sents[si][0] if st.sents else 0
        return bool(_OWN_VOICE.search(text, ss, pos))

    title_prefix_end = -1
    if st.title_end >= 0:
        colon = text.find(":", 0, st.title_end)
        if colon > 0:
            title_prefix_end = colon
    for c in st.mentions:
        start = c.start
        slot = slot_at.get(start)
        if slot is None and not c.proposed and start != 0:
            continue
        if c.type == "metric":
            continue
        if start == 0 and title_prefix_end > 0 and text[c.end:title_prefix_end].strip() == "":
            proposed.add(c.key)
            continue
        if c.proposed and (c.rule.startswith(_PROPOSAL_RULES) or voiced(start)):
            proposed.add(c.key)
            continue
        if slot is not None and c.rule != "gazetteer-generic":
            if text[slot:start].strip("\"“'‘ ") == "" and voiced(start):
                proposed.add(c.key)
    return proposed


class _Doc:
    def __init__(self, st: DocState) -> None:
        self.user_data = {STATE_KEY: st}


def _random_state(rng: random.Random) -> DocState:
    text = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 30)))
    title_end = rng.choice((-1, rng.randint(0, len(text))))
    st = DocState(text=text, title_end=title_end)
    st.sents = [(m.start(), m.end()) for m in re.finditer(r"[^.]+\.?", text)] or [(0, len(text))]
    st.sent_starts = [s for s, _ in st.sents]
    starts = sorted(rng.sample(range(len(text)), min(len(text), rng.randint(0, 8))))
    if starts and rng.random() < 0.3:
        starts[0] = 0
    st.mentions = [Cand(s, min(len(text), s + rng.randint(1, 6)), rng.choice(("method", "dataset", "metric")),
                        rng.choice(_RULES), 90, key=f"k{rng.randint(0, 5)}", proposed=rng.random() < 0.2)
                   for s in starts]
    st.proposal_slots = [(s, s + 3) for s in (rng.randint(0, len(text)) for _ in range(rng.randint(0, 3)))]
    return st


def test_picked_mentions_give_the_plain_keys():
    rng = random.Random(23)
    role = RoleDetector(None)
    for trial in range(5000):
        st = _random_state(rng)
        want = _plain_keys(st)
        role(_Doc(st))
        assert st.proposed_keys == want, trial
