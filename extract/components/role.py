"""Role detection: which entities the paper itself introduces.

An entity is ``proposed`` when one of its mentions

* was produced by a proposal rule (title prefix ``SparK: ...``, ``we propose
  X``, ``dubbed / called X`` in a paper's own voice, ``X, a novel ...``), or
* starts at a *proposal slot* recorded by the context rules (right after
  ``we propose / introduce / present``, ``called / dubbed``, ``our``), or
* is the long or short form of an abbreviation whose other form is proposed
  (they share a key).

Every mention of a proposed key is then proposed; everything else is ``used``.
Naming cues (``a method called X``) count as proposals only when the sentence
speaks for the paper (``we``, ``our``, ``this paper`` ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from extract.components.state import get_state, pipe_in_batches, sentence_index

_OWN_VOICE = re.compile(r"\b(?:we|our|us|this (?:paper|work|study|article|letter|report))\b", re.I)
_PROPOSAL_RULES = ("title", "proposal", "appositive")


@Language.factory("litkg_role")
class RoleDetector:
    """Fills ``DocState.proposed_keys``."""

    def __init__(self, nlp: Language, name: str = "litkg_role") -> None:
        self.name = name

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        return None

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        """``nlp.pipe`` support: the documents in batches (see :func:`~extract.components.state.pipe_in_batches`)."""
        return pipe_in_batches(self, docs, batch_size)

    def __call__(self, doc: Doc) -> Doc:
        st = get_state(doc)
        proposed: set[str] = set()
        st.proposed_keys = proposed
        slot_at = _slots_near(st.proposal_slots)
        slot_at.setdefault(0, None)  # (a mention at char 0 may head the title: chosen below, with no slot)
        # the mentions that can be proposed: proposed by a rule, or at a slot or at char 0; most are none of these
        # (one comprehension: a loop with three tests per mention costs about twice as much)
        picked = [c for c in st.mentions if c.proposed or c.start in slot_at]
        if not picked:
            return doc
        text = st.text
        own_voice: dict[tuple[int, int], bool] = {}

        def voiced(pos: int) -> bool:
            """The paper's own voice (we / our / this paper) earlier in the sentence of ``pos``."""
            si = sentence_index(st, pos)
            key = (si, pos)
            v = own_voice.get(key)
            if v is None:
                ss = st.sents[si][0] if st.sents else 0
                v = own_voice[key] = bool(_OWN_VOICE.search(text, ss, pos))
            return v

        # "HorNet: Efficient ..." -- a name heading the title before a colon is what the paper introduces,
        # also when the gazetteer already knows it (the title rule only sees names no list knows)
        title_prefix_end = -1
        if st.title_end >= 0:
            colon = text.find(":", 0, st.title_end)
            if colon > 0:
                title_prefix_end = colon
        for c in picked:
            start = c.start
            slot = slot_at.get(start)
            if c.type == "metric":
                continue
            if start == 0 and title_prefix_end > 0 and text[c.end:title_prefix_end].strip() == "":
                proposed.add(c.key)
                continue
            if c.proposed and (c.rule.startswith(_PROPOSAL_RULES) or voiced(start)):
                proposed.add(c.key)
                continue
            if slot is not None and c.rule != "gazetteer-generic":
                gap = text[slot:start]
                if gap.strip("\"“'‘ ") == "" and voiced(start):
                    proposed.add(c.key)
        return doc


def _slots_near(slots: list[tuple[int, int]]) -> dict[int, int]:
    """For each char position up to two after the start of a proposal slot, the first slot start at or
    before it within two characters (``bisect_left(starts, pos - 2)`` on the sorted starts, when that start
    is ``<= pos``): a mention's slot by one dict lookup instead of a bisect per mention.

    >>> _slots_near([(10, 20), (11, 15)])
    {13: 11, 12: 10, 11: 10, 10: 10}
    """
    near: dict[int, int] = {}
    # (the first slot start wins: written last; slots sorted as they are, no set of starts: a start that
    # comes twice writes the same values again)
    for s, _ in sorted(slots, reverse=True):
        near[s + 2] = near[s + 1] = near[s] = s
    return near
