"""litkg's spaCy components (registered with ``@Language.factory`` on import).

Pipeline order (see :class:`extract.pipeline.Extractor`)::

    litkg_sentences -> litkg_gazetteer -> litkg_context -> litkg_abbreviations -> litkg_normalise -> litkg_role

They share per-document state in ``doc.user_data["litkg"]``
(:class:`~extract.components.state.DocState`).
"""

from extract.components import abbreviations, context, gazetteer, normalise, role, sentences  # noqa: F401
from extract.components.rules import DEFAULT_PATTERNS_DIR, Rules
from extract.components.sentences import customize_tokenizer
from extract.components.state import DocState, get_state

COMPONENTS = (
    "litkg_sentences",
    "litkg_gazetteer",
    "litkg_context",
    "litkg_abbreviations",
    "litkg_normalise",
    "litkg_role",
)

__all__ = ["COMPONENTS", "DEFAULT_PATTERNS_DIR", "DocState", "Rules", "customize_tokenizer", "get_state"]
