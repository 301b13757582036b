from __future__ import annotations

from pathlib import Path

import pytest

from graph.import_csv import ImportNode, ImportRel, encode, write_import_csv

US = "\x1f"


def test_encode_types_and_quoting() -> None:
    assert encode('a "q", b') == ("string", '"a ""q"", b"')
    assert encode("") == ("string", '""')
    assert encode(True) == ("boolean", "true")
    assert encode(42) == ("long", "42")
    assert encode(1e-07) == ("double", "1e-07")
    assert encode(["a;b", "c"]) == ("string[]", f'"a;b{US}c"')
    assert encode([1, 2]) == ("long[]", f"1{US}2")
    assert encode([0.5, True]) is None  # mixed: Neo4j lists are homogeneous


@pytest.mark.parametrize("value", [[], ["a", ""], "two\nlines", ["x\ry"], f"a{US}b", [1, "a"]])
def test_values_the_csv_cannot_carry_are_deferred(value: object) -> None:
    assert encode(value) is None


def test_one_file_per_signature_and_deferred_props(tmp_path: Path) -> None:
    nodes = [
        ImportNode("HP:1", ["Entity", "PhenotypicFeature"], {"id": "HP:1", "f": "x", "syn": []}),
        ImportNode("HP:2", ["Entity"], {"id": "HP:2", "f": ["x", "y"]}),
        ImportNode("HP:3", ["Entity"], {"id": "HP:3", "f": "z", "syn": []}),
    ]
    rels = [ImportRel("HP:1", "HP:2", "SUBCLASS_OF", {"negated": False, "d": "a\nb"})]
    out = write_import_csv(tmp_path, nodes, rels)
    assert len(out.nodes) == 2  # f as a string and f as a list cannot share a header
    first = out.nodes[0].read_text().splitlines()
    assert first[0] == "id:ID,:LABEL,f:string"
    assert first[1:] == [f'"HP:1","Entity{US}PhenotypicFeature","x"', '"HP:3","Entity","z"']
    assert out.nodes[1].read_text().splitlines()[0] == "id:ID,:LABEL,f:string[]"
    assert out.deferred_nodes == {"HP:1": {"syn": []}, "HP:3": {"syn": []}}
    rel_lines = out.relationships[0].read_text().splitlines()
    assert rel_lines == [
        ":START_ID,:END_ID,:TYPE,negated:boolean",
        '"HP:1","HP:2","SUBCLASS_OF",false',
    ]
    assert out.deferred_rels == [(rels[0], {"d": "a\nb"})]


def test_a_key_that_is_no_header_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot be written"):
        write_import_csv(tmp_path, [ImportNode("A:1", ["Entity"], {"id": "A:1", "a:b": 1})], [])


def test_every_file_is_closed_when_one_fails_to_flush(tmp_path: Path) -> None:
    """A full disk fails the flush of each file at close: the others must still be closed, or
    their space stays taken after the CSV folder is emptied."""
    import errno

    from graph.import_csv import _Files

    files = _Files(tmp_path, "nodes", ["id:ID", ":LABEL"])
    files.add(['"a"', '"X"'], {"name": "A"})
    files.add(['"b"', '"X"'], {"size": 2})
    first, second = list(files.open.values())
    real_close = first.close

    def full() -> None:
        real_close()
        raise OSError(errno.ENOSPC, "No space left on device")

    first.close = full  # type: ignore[method-assign]
    with pytest.raises(OSError):
        files.close()
    assert second.closed
