"""BioRED metrics on hand-made predictions, CURIEs of BioRED ids, decoding of head outputs."""

from __future__ import annotations

from extraction.biored.linking import curie, hgvs_like
from extraction.biored.metrics import Predicted, score
from extraction.biored.pairs import Candidate
from extraction.biored.service import decode
from extraction.biored.train import PairPrediction

GOLD = [
    Predicted("1", "A", "B", "Association", True, "A", "Chemical-Disease"),
    Predicted("1", "C", "D", "Bind", False, None, "Gene-Gene"),
]


def test_levels_count_what_they_should() -> None:
    pred = [
        # right pair (either order), type, novelty; wrong subject
        Predicted("1", "B", "A", "Association", True, "B", "Chemical-Disease"),
        # right pair and direction (undirected), wrong type and novelty
        Predicted("1", "D", "C", "Association", True, None, "Gene-Gene"),
        # a pair that is not gold
        Predicted("1", "A", "D", "Association", True, None, "Chemical-Gene"),
    ]
    s = score(GOLD, pred)["overall"]
    tp = {level: s[level]["tp"] for level in s}
    assert tp == {"pair": 2, "type": 1, "novelty": 1, "direction": 0, "type_novelty": 1, "all": 0}
    assert s["pair"]["precision"] == round(100 * 2 / 3, 2)
    assert s["pair"]["recall"] == 100.0
    by = score(GOLD, pred)["by_pair_type"]
    assert by["Gene-Gene"]["type"]["tp"] == 0 and by["Chemical-Gene"]["pair"]["gold"] == 0


def test_curies() -> None:
    assert curie("6331", "GeneOrGeneProduct") == "NCBIGene:6331"
    assert curie("D008133", "DiseaseOrPhenotypicFeature") == "MESH:D008133"
    assert curie("OMIM:603830", "DiseaseOrPhenotypicFeature") == "OMIM:603830"
    assert curie("C537014", "ChemicalEntity") == "MESH:C537014"
    assert curie("9606", "OrganismTaxon") == "NCBITaxon:9606"
    assert curie("CVCL_2737", "CellLine") == "Cellosaurus:CVCL_2737"
    assert curie("rs6232", "SequenceVariant") == "DBSNP:rs6232"
    assert curie("p|SUB|V|1763|M", "SequenceVariant") == "HGVS:p.V1763M"
    assert hgvs_like("c|SUB|G|1763|A") == "c.1763G>A"
    assert hgvs_like("c|DEL|1314_1328|") == "c.1314_1328del"


def _pred(none: float, direction: list[float]) -> PairPrediction:
    rest = (1 - none) / 8
    probs = [none] + [rest] * 8
    probs[3] += 1e-3  # Negative_Correlation wins among the types
    return PairPrediction(
        Candidate("9", "X", "Y", "ChemicalEntity", "GeneOrGeneProduct"), probs, 0.8, direction
    )


def test_decode_threshold_type_and_direction() -> None:
    assert decode(_pred(0.7, [1, 0, 0]), threshold=0.5) is None
    r = decode(_pred(0.7, [0.1, 0.1, 0.8]), threshold=0.2)
    assert r is not None and r.rel_type == "Negative_Correlation"
    assert r.subject == "Y" and r.direction == "second_is_subject" and r.novel
    r = decode(_pred(0.1, [0.6, 0.3, 0.1]), threshold=0.5)
    assert r is not None and r.subject is None and r.direction == "undirected"
