"""The graph's vocabulary, defined once and read by every package: curated sources and
infores ids (sources.py), node labels with their Biolink categories (labels.py),
relationship types with their Biolink predicates and phrases (relations.py), CURIE prefixes
(ids.py) and HPO terms with a fixed meaning (hpo.py). The writers (ingest, extraction) and
the readers (retrieval, interop, api) take the same values from here, so they cannot drift
apart."""

from __future__ import annotations

from graph.vocabulary.hpo import HPO_FREQUENCY_TERMS
from graph.vocabulary.ids import normalize_curie
from graph.vocabulary.labels import CATEGORY_LABEL, LABEL_CATEGORIES, NodeLabel
from graph.vocabulary.relations import CURATED_RELS, RelType, relation_phrases
from graph.vocabulary.sources import (
    EVIGRAPH_INFORES,
    FDA_MAUDE_INFORES,
    SOURCE_INFORES,
    SOURCE_KEYS,
    Source,
)

__all__ = [
    "CATEGORY_LABEL",
    "CURATED_RELS",
    "EVIGRAPH_INFORES",
    "FDA_MAUDE_INFORES",
    "HPO_FREQUENCY_TERMS",
    "LABEL_CATEGORIES",
    "SOURCE_INFORES",
    "SOURCE_KEYS",
    "NodeLabel",
    "RelType",
    "Source",
    "normalize_curie",
    "relation_phrases",
]
