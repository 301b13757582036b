"""A small fixture graph for the interop tests: the curated ingest fixtures plus extracted
adverse-drug-event statements written through the shared write-back."""

from __future__ import annotations

from extraction import writeback as wb
from graph.repository import GraphStore
from graph.vocabulary import NodeLabel, RelType
from tests.integration.test_ingest_fixtures import _load_all

ADE_MODEL = wb.ModelInfo("ade", "ade-test", "1", "encoder@test")
CISPLATIN = wb.Node("CHEBI:27899", NodeLabel.DRUG, "cisplatin", "biolink:Drug")
LOSARTAN = wb.Node("CHEBI:6541", NodeLabel.DRUG, "losartan", "biolink:Drug")
ARACHNODACTYLY = wb.Node(
    "HP:0001166", NodeLabel.PHENOTYPIC_FEATURE, "Arachnodactyly", "biolink:PhenotypicFeature"
)
ECTOPIA = wb.Node(
    "HP:0001083", NodeLabel.PHENOTYPIC_FEATURE, "Ectopia lentis", "biolink:PhenotypicFeature"
)
NAUSEA = wb.Node("MEDDRA:10028813", NodeLabel.ADVERSE_EVENT, "Nausea", "biolink:ClinicalFinding")


def _ade(drug: wb.Node, event: wb.Node, doc: str, score: float) -> wb.Statement:
    text = f"{event.name} was reported after {drug.name} in patient {doc}."
    start = text.index(drug.name)
    ev = wb.Evidence(doc, text, (start, start + len(drug.name)), (0, len(event.name)))
    return wb.Statement(
        drug, RelType.CAUSES_ADVERSE_EVENT, "biolink:has_adverse_event", event, score, ev
    )


ADE_STATEMENTS = [
    _ade(CISPLATIN, ARACHNODACTYLY, "PMID:1001", 0.91),
    _ade(CISPLATIN, ARACHNODACTYLY, "PMID:1002", 0.72),
    _ade(CISPLATIN, NAUSEA, "PMID:1003", 0.88),
    _ade(LOSARTAN, ARACHNODACTYLY, "PMID:1004", 0.65),
    _ade(LOSARTAN, ECTOPIA, "PMID:1005", 0.55),
]


def load_curated(store: GraphStore) -> None:
    _load_all(store)


def load_extracted(store: GraphStore) -> wb.WriteResult:
    return wb.write_statements(store, ADE_MODEL, ADE_STATEMENTS, inputs={"file": "fixture"})


def load_fixture_graph(store: GraphStore) -> wb.WriteResult:
    load_curated(store)
    return load_extracted(store)
