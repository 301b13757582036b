"""The GA4GH phenopacket v2 reader on real files from phenopacket-store."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from core.exceptions import RetrievalError
from retrieval.phenotype.phenopacket import iter_tar, parse_phenopacket, read_phenopacket

DATA = Path(__file__).parents[1] / "data" / "phenopackets"
KCNT1 = DATA / "PMID_23086397_Patient_4.json"


def test_reads_observed_excluded_diagnosis_gene_and_pmid() -> None:
    case = read_phenopacket(KCNT1)
    assert case.diseases == ["OMIM:614959"]
    assert case.genes == ["HGNC:18865"] and case.gene_symbols == ["KCNT1"]
    assert case.pmids == ["PMID:23086397"]
    assert len(case.observed) == 6 and len(case.excluded) == 8
    assert not set(case.observed) & set(case.excluded)
    assert all(t.startswith("HP:") and case.labels[t] for t in case.observed)


def test_a_packet_that_is_not_v2_or_has_no_observed_term_is_refused() -> None:
    obj = json.loads(KCNT1.read_text())
    v1 = {**obj, "metaData": {**obj["metaData"], "phenopacketSchemaVersion": "1.0"}}
    with pytest.raises(RetrievalError, match="not a GA4GH phenopacket v2"):
        parse_phenopacket(v1)
    only_excluded = {
        **obj,
        "phenotypicFeatures": [f for f in obj["phenotypicFeatures"] if f.get("excluded")],
    }
    with pytest.raises(RetrievalError, match=r"phenopacket\.phenotypicFeatures: no observed"):
        parse_phenopacket(only_excluded)
    bad = {**obj, "phenotypicFeatures": [{"type": {"id": "MONDO:1"}}]}
    with pytest.raises(RetrievalError, match=r"phenotypicFeatures\[0\]\.type\.id"):
        parse_phenopacket(bad)
    with pytest.raises(RetrievalError, match="JSON object"):
        parse_phenopacket([obj])


def test_reads_a_store_tarball_in_name_order(tmp_path: Path) -> None:
    path = tmp_path / "store.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for f in sorted(DATA.glob("*.json"), reverse=True):
            data = f.read_bytes()
            info = tarfile.TarInfo(f"store/{f.stem[:12]}/{f.name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    cases = list(iter_tar(path))
    assert [c.diseases[0] for c in cases] == ["OMIM:614959", "OMIM:620705"]
