"""Errors keep their fields across processes (the bulk ingest parses in a worker)."""

from __future__ import annotations

import pickle

from core.exceptions import IngestError


def test_ingest_error_survives_pickling() -> None:
    err = IngestError("hp.obo", 12, "bad id", "HP:XYZ")
    back = pickle.loads(pickle.dumps(err))
    assert isinstance(back, IngestError)
    assert (back.file, back.where, back.value, str(back)) == (
        err.file,
        err.where,
        err.value,
        "hp.obo:12: bad id (value: 'HP:XYZ')",
    )
