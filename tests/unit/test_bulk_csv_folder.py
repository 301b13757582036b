"""The bulk load's import-CSV folder: a killed load's leftovers are removed by the next one, and
a full disk while writing it is a clear error naming the folder (the folder emptied again)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from core.exceptions import IngestError
from core.settings import Neo4jSettings
from ingest import bulk


def _cfg(tmp_path: Path) -> Neo4jSettings:
    return Neo4jSettings(home=tmp_path / "neo4j")


def test_a_killed_loads_csv_is_removed_by_the_next(tmp_path: Path) -> None:
    cfg = _cfg(tmp_path)
    left = bulk.csv_folder(cfg) / "nodes-p0"
    left.mkdir(parents=True)
    (left / "Disease.csv").write_text("id:ID\nORPHA:558\n")
    (bulk.csv_folder(cfg) / "rels.csv").write_text(":START_ID,:END_ID\n")
    with bulk._csv_folder(cfg) as folder:
        assert folder == bulk.csv_folder(cfg)
        assert list(folder.iterdir()) == []
        (folder / "written.csv").write_text("x\n")
    assert list(bulk.csv_folder(cfg).iterdir()) == []


def test_a_full_disk_is_an_ingest_error_naming_the_folder(tmp_path: Path) -> None:
    cfg = _cfg(tmp_path)
    with pytest.raises(IngestError) as caught, bulk._csv_folder(cfg) as folder:
        (folder / "half.csv").write_text("id:ID\n")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert str(bulk.csv_folder(cfg)) in str(caught.value)
    assert "no space left" in str(caught.value)
    assert "database was not changed" in str(caught.value)
    assert list(bulk.csv_folder(cfg).iterdir()) == []


def test_other_os_errors_are_not_called_a_full_disk(tmp_path: Path) -> None:
    cfg = _cfg(tmp_path)
    with pytest.raises(PermissionError), bulk._csv_folder(cfg):
        raise PermissionError(errno.EACCES, "Permission denied")
