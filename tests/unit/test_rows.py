from __future__ import annotations

import pytest

from graph.vocabulary import RelType, Source, normalize_curie
from ingest.rows import EdgeRow


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("Orphanet:558", "ORPHA:558"),
        ("ORDO:558", "ORPHA:558"),
        ("orphanet:558", "ORPHA:558"),
        ("ORPHA:558", "ORPHA:558"),
        ("http://www.orpha.net/ORDO/Orphanet_558", "ORPHA:558"),
        ("MIM:154700", "OMIM:154700"),
        (" HP:0001166 ", "HP:0001166"),
        ("NCBIGene:2200", "NCBIGene:2200"),
        ("ICD-10:Q87.4", "ICD10:Q87.4"),
        ("SNOMEDCT_US:62250003", "SNOMEDCT:62250003"),
    ],
)
def test_normalize_curie(raw: str, want: str) -> None:
    assert normalize_curie(raw) == want


@pytest.mark.parametrize("raw", ["", "558", "HP 0001166", ":12", "HP:"])
def test_normalize_curie_rejects_non_curies(raw: str) -> None:
    with pytest.raises(ValueError, match="not a CURIE"):
        normalize_curie(raw)


def test_edge_key_and_predicate() -> None:
    e = EdgeRow("ORPHA:558", RelType.HAS_PHENOTYPE, "HP:0001166", props={"frequency": "x"})
    assert e.key == ("ORPHA:558", RelType.HAS_PHENOTYPE, "HP:0001166", False)
    assert e.predicate == "biolink:has_phenotype"
    assert Source.ORPHANET.infores == "infores:orphanet"
