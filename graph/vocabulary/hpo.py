"""HPO terms of the graph's content that more than one package reads: written by ingest,
read by retrieval."""

from __future__ import annotations

# HPO's frequency subontology (Orphanet states its frequencies with the same terms); each
# value is the midpoint of the term's documented range.
HPO_FREQUENCY_TERMS = {
    "HP:0040280": 1.0,  # Obligate
    "HP:0040281": 0.895,  # Very frequent (80-99%)
    "HP:0040282": 0.545,  # Frequent (30-79%)
    "HP:0040283": 0.17,  # Occasional (5-29%)
    "HP:0040284": 0.025,  # Very rare (1-4%)
    "HP:0040285": 0.0,  # Excluded
}
