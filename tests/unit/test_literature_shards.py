"""Parquet shards of `extract literature`: rows come back as written (document, failed and
delete rows), shards of earlier versions (JSON Lines) are still read, and a broken shard is an
error that names it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from core.exceptions import ExtractionError, IngestError
from extraction.literature import shards

MODEL = {"extractor": "ade", "name": "marker-single-encoder-ade", "version": "bf605761b0d6"}


def _rows() -> list[dict[str, Any]]:
    """Rows as extractors.document_row / failed_row and the DeleteCitation reader make them."""
    edge = {
        "subject": "DRUG:cisplatin",
        "object": "HP:0000365",
        "rel": "CAUSES_ADVERSE_EVENT",
        "evidence_id": "acaa9e772b0a5f4b6eb72662be73c6f8",
        "props": {
            "predicate": "biolink:causes",
            "directed": True,
            "score": 0.559753,
            "sentence": "Cisplatin caused hearing loss in 3 of 12 children.",
            "subject_start": 0,
            "link_method": "exact",
        },
    }
    nodes = [
        {
            "id": "DRUG:cisplatin",
            "label": "Drug",
            "name": "cisplatin",
            "category": "biolink:Drug",
            "props": {"surface": "Cisplatin"},
        }
    ]
    return [
        {
            "document_id": "PMID:17942999",
            "key": "ade:marker-single-encoder-ade@bf605761b0d6|PMID:17942999",
            "model": MODEL,
            "nodes": nodes,
            "edges": [edge],
            "error": None,
        },
        {
            "document_id": "PMID:1",
            "key": "ade:marker-single-encoder-ade@bf605761b0d6|PMID:1",
            "model": MODEL,
            "nodes": [],
            "edges": [],
            "error": "PMID:1: the abstract is empty",
        },
        {"delete": ["PMID:2", "PMID:3"]},
    ]


def test_rows_come_back_as_written(tmp_path: Path) -> None:
    path = shards.write_shard(tmp_path, 7, _rows())
    assert path.name == "shard-000007.parquet" and path.read_bytes()[:4] == b"PAR1"
    assert shards.read_shard(path) == _rows()
    assert shards.pending(tmp_path) == [path] and shards.next_seq(tmp_path) == 8
    shards.mark_loaded(path)
    assert shards.pending(tmp_path) == []
    assert shards.read_shard(tmp_path / "shard-000007.loaded") == _rows()


def test_a_json_lines_shard_of_an_earlier_version_is_still_loaded(tmp_path: Path) -> None:
    old = tmp_path / "shard-000003.jsonl"
    old.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in _rows()))
    new = shards.write_shard(tmp_path, 4, _rows()[:1])
    assert shards.pending(tmp_path) == [old, new]
    assert shards.read_shard(old) == _rows()
    shards.mark_loaded(old)
    assert shards.read_shard(tmp_path / "shard-000003.loaded") == _rows()


def test_a_broken_shard_names_its_file(tmp_path: Path) -> None:
    path = shards.write_shard(tmp_path, 1, _rows())
    path.write_bytes(path.read_bytes()[:40])  # cut short, as by a full disk
    with pytest.raises(IngestError, match=r"shard-000001\.parquet"):
        shards.read_shard(path)


def test_a_row_outside_the_schema_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    rows = _rows()
    rows[0]["edges"][0]["qualifier"] = "x"
    with pytest.raises(ExtractionError, match="qualifier"):
        shards.write_shard(tmp_path, 1, rows)
    assert list(tmp_path.iterdir()) == []
