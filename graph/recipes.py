"""SQL recipes: the common questions as one short query over litkg's views.

Shared by the README, the app's SQL page and ``tests/test_sql_recipes.py``. Each recipe
is ``(name, description, sql)``; named parameters (``:entity``) take their example values
from :data:`EXAMPLE_PARAMS`. Run one with ``litkg sql DB "<sql>" -p entity ADE20K`` or
:func:`graph.sql.run_sql`.

The views (see ``graph/schema.py``): ``paper_entities`` (a paper's entities with evidence),
``entity_papers`` (an entity's papers with evidence), ``shared_entities`` (paper_a, paper_b,
entity, type, evidence_a, evidence_b), ``mention_evidence`` (mentions with their sentence),
``entity_code_links``, ``entity_families`` and ``leaderboard``; the ``communities`` tables.

>>> [r.name for r in RECIPES][:3]
['papers_using', 'entities_of_paper', 'shared_by_titles']
>>> "-p entity ADE20K" in as_markdown()
True
"""

from __future__ import annotations

from typing import NamedTuple


class Recipe(NamedTuple):
    name: str
    description: str
    sql: str


RECIPES: list[Recipe] = [
    Recipe(
        "papers_using",
        "Which papers use this benchmark (or method, metric, task)? With the evidence sentence.",
        "SELECT paper_id, title, year, role, evidence FROM entity_papers\n"
        "WHERE entity = :entity COLLATE NOCASE ORDER BY year DESC, title",
    ),
    Recipe(
        "entities_of_paper",
        "What does this paper use and propose? Its entities by type, with evidence.",
        "SELECT type, entity, role, evidence FROM paper_entities\n"
        "WHERE title = :title COLLATE NOCASE ORDER BY type, entity",
    ),
    Recipe(
        "shared_by_titles",
        "What do these two papers have in common? Shared entities with each paper's evidence.",
        "SELECT s.type, s.entity, s.evidence_a, s.evidence_b\n"
        "FROM shared_entities s JOIN papers a ON a.id = s.paper_a JOIN papers b ON b.id = s.paper_b\n"
        "WHERE a.title = :title_a COLLATE NOCASE AND b.title = :title_b COLLATE NOCASE ORDER BY s.type, s.entity",
    ),
    Recipe(
        "most_overlapping",
        "Which papers share the most entities with this one?",
        "SELECT b.id AS paper_id, b.title, count(*) AS shared, group_concat(s.entity, ', ') AS entities\n"
        "FROM shared_entities s JOIN papers a ON a.id = s.paper_a JOIN papers b ON b.id = s.paper_b\n"
        "WHERE a.title = :title COLLATE NOCASE GROUP BY b.id ORDER BY shared DESC, b.title LIMIT 10",
    ),
    Recipe(
        "method_on_dataset",
        "Which papers use technique X on benchmark Y?",
        "SELECT m.paper_id, m.title, m.year, m.evidence AS method_evidence, d.evidence AS dataset_evidence\n"
        "FROM entity_papers m JOIN entity_papers d ON d.paper_id = m.paper_id\n"
        "WHERE m.entity = :method COLLATE NOCASE AND d.entity = :dataset COLLATE NOCASE ORDER BY m.year DESC",
    ),
    Recipe(
        "top_entities",
        "The most used benchmarks (set :type to method, dataset, metric or task).",
        "SELECT name AS entity, paper_count AS papers FROM entities\n"
        "WHERE type = :type AND paper_count > 0 ORDER BY paper_count DESC, name LIMIT 20",
    ),
    Recipe(
        "cooccurring",
        "Which entities appear together with this one, and how often?",
        "SELECT o.entity, o.type, count(*) AS papers FROM entity_papers e\n"
        "JOIN paper_entities o ON o.paper_id = e.paper_id AND o.entity_id <> e.entity_id\n"
        "WHERE e.entity = :entity COLLATE NOCASE GROUP BY o.entity_id ORDER BY papers DESC, o.entity LIMIT 20",
    ),
    Recipe(
        "code_for_entity",
        "Where is the code? Repositories linked from the papers that propose or use an entity.",
        "SELECT DISTINCT url, owner, repo, role, paper_id FROM entity_code_links\n"
        "WHERE entity = :entity COLLATE NOCASE ORDER BY role = 'proposed' DESC, url",
    ),
    Recipe(
        "per_year",
        "How has the use of an entity grown? Papers per year.",
        "SELECT year, count(*) AS papers FROM entity_papers\n"
        "WHERE entity = :entity COLLATE NOCASE AND year IS NOT NULL GROUP BY year ORDER BY year",
    ),
    Recipe(
        "variants",
        "The variants of a family (ResNet -> ResNet-50, ...).",
        "SELECT variant, type FROM entity_families WHERE family = :family COLLATE NOCASE ORDER BY variant",
    ),
    Recipe(
        "mentions_of_entity",
        "Every mention of an entity: where it is, how it was written and the sentence it was read from.",
        "SELECT m.paper_id, p.title, m.field, m.start, m.surface, m.role, m.sentence\n"
        "FROM entities e CROSS JOIN paper_entity pe ON pe.entity_id = e.id JOIN papers p ON p.id = pe.paper_id\n"
        "CROSS JOIN mention_evidence m ON m.paper_id = pe.paper_id AND m.entity_id = e.id\n"
        "WHERE e.name = :entity COLLATE NOCASE ORDER BY p.title, m.field <> 'title', m.start",
    ),
    Recipe(
        "communities",
        "Which clusters of papers does the corpus have, and what characterises each (computed by litkg build)?",
        "SELECT c.id, c.size, c.label, group_concat(e.name, ', ') AS characteristic\n"
        "FROM communities c JOIN community_entities ce ON ce.community_id = c.id JOIN entities e ON e.id = ce.entity_id\n"
        "WHERE c.size >= :min_size GROUP BY c.id ORDER BY c.id",
    ),
    Recipe(
        "leaderboard",
        "Reported (absolute) results on a benchmark, highest first per metric.",
        "SELECT method, metric, value, unit, title, evidence FROM leaderboard\n"
        "WHERE dataset = :dataset COLLATE NOCASE AND kind = 'absolute' ORDER BY metric, value DESC",
    ),
    Recipe(
        "leaderboard_ranked",
        "Ranked absolute claims for one benchmark (and its variants) and metric; use ASC for error, FID, WER...",
        "SELECT COALESCE(me.name, r.method) AS method, r.value, r.unit, d.name AS dataset, p.year, p.title,\n"
        "       r.sentence AS evidence\n"
        "FROM results r JOIN papers p ON p.id = r.paper_id JOIN entities d ON d.id = r.dataset_id\n"
        "LEFT JOIN entities f ON f.id = d.family_id LEFT JOIN entities me ON me.id = r.method_id\n"
        "LEFT JOIN entities mt ON mt.id = r.metric_id\n"
        "WHERE r.kind = 'absolute' AND (d.name = :dataset COLLATE NOCASE OR f.name = :dataset COLLATE NOCASE)\n"
        "  AND COALESCE(mt.name, r.metric) = :metric COLLATE NOCASE\n"
        "ORDER BY r.value DESC",
    ),
]

# Example values of each recipe's parameters (for the README, the app and the tests).
EXAMPLE_PARAMS: dict[str, dict[str, str]] = {
    "papers_using": {"entity": "ADE20K"},
    "entities_of_paper": {"title": "A ConvNet for the 2020s"},
    "shared_by_titles": {
        "title_a": "HorNet: Efficient High-Order Spatial Interactions with Recursive Gated Convolutions",
        "title_b": "A ConvNet for the 2020s",
    },
    "most_overlapping": {"title": "A ConvNet for the 2020s"},
    "method_on_dataset": {"method": "ConvNeXt", "dataset": "ADE20K"},
    "top_entities": {"type": "dataset"},
    "cooccurring": {"entity": "MSR-VTT"},
    "code_for_entity": {"entity": "Mamba"},
    "per_year": {"entity": "COCO"},
    "variants": {"family": "ResNet"},
    "mentions_of_entity": {"entity": "ADE20K"},
    "communities": {"min_size": "2"},
    "leaderboard": {"dataset": "ImageNet-1K"},
    "leaderboard_ranked": {"dataset": "ImageNet", "metric": "top-1 accuracy"},
}


def recipe(name: str) -> Recipe:
    """The recipe called ``name``.

    >>> recipe("papers_using").description.startswith("Which papers")
    True
    """
    for r in RECIPES:
        if r.name == name:
            return r
    raise KeyError(f"no SQL recipe named {name!r}; recipes: {', '.join(r.name for r in RECIPES)}")


def as_markdown(db: str = "data/litkg.db") -> str:
    """The recipes as a Markdown section (for the README)."""
    parts = []
    for r in RECIPES:
        params = " ".join(f"-p {k} {_shell(v)}" for k, v in EXAMPLE_PARAMS.get(r.name, {}).items())
        sql = " ".join(r.sql.split())
        parts.append(f"**{r.description}** (`{r.name}`)\n\n```sql\n{r.sql}\n```\n\n"
                     f"```sh\nlitkg sql {db} \"{sql}\" {params}\n```\n")
    return "\n".join(parts)


def _shell(value: str) -> str:
    return value if value.replace("-", "").replace("_", "").isalnum() else "'" + value.replace("'", "'\\''") + "'"


__all__ = ["Recipe", "RECIPES", "EXAMPLE_PARAMS", "recipe", "as_markdown"]
