"""OMIM tab-separated files -> gene and disease rows.

- mim2gene.txt (free download): gene MIMs -> Gene `NCBIGene:<entrez>`; phenotype MIMs ->
  Disease `OMIM:<mim>`.
- genemap2.txt and morbidmap.txt (licensed; never committed, tests use synthetic lines):
  gene -> disease edges from their phenotype entries, e.g. "Marfan syndrome, 154700 (3),
  Autosomal dominant". The number in parentheses is OMIM's mapping key: 3 (molecular basis
  known) -> CAUSES, 4 (contiguous gene deletion/duplication) -> CONTRIBUTES_TO, 1 and 2 ->
  ASSOCIATED_WITH. "{...}" (susceptibility) caps the edge at CONTRIBUTES_TO; "[...]" (nondisease)
  and a leading "?" (provisional) cap it at ASSOCIATED_WITH.

Gene ids: genemap2 genes are `NCBIGene:<entrez>`, or the placeholder `OMIM.GENE:<mim>` when the
row has no Entrez id; morbidmap names only gene MIMs, so its genes are always `OMIM.GENE:<mim>`.
The ingest job resolves the placeholders to NCBIGene through mim2gene. Inheritance words of
genemap2 phenotypes give HAS_MODE_OF_INHERITANCE edges (ingest/inheritance.py). Each file's
release is the date of its "# Generated: YYYY-MM-DD" line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from core.exceptions import IngestError
from core.files import iter_lines
from graph.vocabulary import NodeLabel, RelType
from ingest.inheritance import OMIM_INHERITANCE
from ingest.rows import EdgeRow, NodeRow, ParsedFile, PropValue

_MIM = re.compile(r"^\d{6}$")
_ENTREZ = re.compile(r"^\d+$")
_GENERATED = re.compile(r"^#\s*Generated:\s*(\d{4}-\d{2}-\d{2})\s*$")
# "<name>[, <phenotype MIM>] (<key>)[, <inheritance>, ...]"; names themselves contain commas.
_PHENOTYPE = re.compile(
    r"^(?P<name>.+?)(?:, (?P<mim>\d{6}))? \((?P<key>[1-4])\)(?:, (?P<inheritance>[^()]+))?$"
)
_GENE_TYPES: Final = frozenset({"gene", "gene/phenotype"})
_PHENOTYPE_TYPES: Final = frozenset({"phenotype", "predominantly phenotypes"})
_KEY_REL: Final = {"3": RelType.CAUSES, "4": RelType.CONTRIBUTES_TO}
_STRENGTH: Final = (RelType.ASSOCIATED_WITH, RelType.CONTRIBUTES_TO, RelType.CAUSES)

# Column layouts as documented in the files' own headers.
MIM2GENE_COLUMNS: Final = 5
GENEMAP2_COLUMNS: Final = 14
MORBIDMAP_COLUMNS: Final = 4


@dataclass(slots=True)
class _Table:
    """A tab-separated OMIM file: data rows with their line numbers, and the rows it produced."""

    path: Path
    columns: int
    release: str = ""
    nodes: list[NodeRow] = field(default_factory=list)
    edges: list[EdgeRow] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        for lineno, line in iter_lines(self.path):
            if line.startswith("#"):
                generated = _GENERATED.match(line)
                if generated:
                    self.release = generated.group(1)
                continue
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) != self.columns:
                msg = f"expected {self.columns} tab-separated columns, found {len(fields)}"
                raise IngestError(str(self.path), lineno, msg, line[:120])
            yield lineno, [f.strip() for f in fields]

    def error(self, lineno: int, message: str, value: object) -> IngestError:
        return IngestError(str(self.path), lineno, message, value)

    def mim(self, lineno: int, value: str, what: str = "MIM Number") -> str:
        if not _MIM.match(value):
            raise self.error(lineno, f"{what} is not a 6-digit number", value)
        return value

    def parsed(self) -> ParsedFile:
        return ParsedFile(str(self.path), self.release, self.nodes, self.edges, dict(self.skipped))


def parse_mim2gene(path: Path) -> ParsedFile:
    """mim2gene.txt: Gene nodes for gene entries with an Entrez id, Disease nodes for phenotypes."""
    table = _Table(path, MIM2GENE_COLUMNS)
    for lineno, (raw_mim, entry_type, entrez, symbol, ensembl) in table.rows():
        mim = table.mim(lineno, raw_mim)
        if entry_type in _PHENOTYPE_TYPES:
            props = _props(mim_type=entry_type)
            table.nodes.append(NodeRow(f"OMIM:{mim}", NodeLabel.DISEASE, props=props))
        elif entry_type == "moved/removed":
            table.skipped["moved/removed entry"] += 1
        elif entry_type not in _GENE_TYPES:
            raise table.error(lineno, "unknown MIM Entry Type", entry_type)
        elif not entrez:
            table.skipped["gene entry without an Entrez Gene ID"] += 1
        else:
            table.nodes.append(_gene(table, lineno, mim, entrez, symbol, ensembl, (symbol,)))
    return table.parsed()


def parse_genemap2(path: Path) -> ParsedFile:
    """genemap2.txt: a Gene node per row, and the rows of each of its phenotype entries."""
    table = _Table(path, GENEMAP2_COLUMNS)
    for lineno, fields in table.rows():
        mim = table.mim(lineno, fields[5])
        symbols = [s.strip() for s in fields[6].split(",") if s.strip()]
        symbol = fields[8] or (symbols[0] if symbols else "")
        entrez, ensembl = fields[9], fields[10]
        extra = _props(full_name=fields[7], cyto_location=fields[3])
        gene = _gene(table, lineno, mim, entrez, symbol, ensembl, tuple(symbols), extra)
        table.nodes.append(gene)
        for entry in (e.strip() for e in fields[12].split(";")):
            if entry:
                _phenotype(table, lineno, gene.id, entry, with_inheritance=True)
    return table.parsed()


def parse_morbidmap(path: Path) -> ParsedFile:
    """morbidmap.txt: one phenotype entry per row, gene `OMIM.GENE:<gene MIM>`."""
    table = _Table(path, MORBIDMAP_COLUMNS)
    for lineno, (phenotype, raw_symbols, raw_mim, cyto) in table.rows():
        mim = table.mim(lineno, raw_mim)
        symbols = tuple(s.strip() for s in raw_symbols.split(",") if s.strip())
        first = symbols[0] if symbols else ""
        gene = _gene(table, lineno, mim, "", first, "", symbols, _props(cyto_location=cyto))
        table.nodes.append(gene)
        _phenotype(table, lineno, gene.id, phenotype, with_inheritance=False)
    return table.parsed()


def _gene(
    table: _Table,
    lineno: int,
    mim: str,
    entrez: str,
    symbol: str,
    ensembl: str,
    symbols: tuple[str, ...],
    extra: dict[str, PropValue] | None = None,
) -> NodeRow:
    """`NCBIGene:<entrez>`, else `OMIM.GENE:<mim>` for the ingest job to resolve."""
    if entrez and not _ENTREZ.match(entrez):
        raise table.error(lineno, "Entrez Gene ID is not a number", entrez)
    gene_id = f"NCBIGene:{entrez}" if entrez else f"OMIM.GENE:{mim}"
    xrefs = (f"OMIM:{mim}",) + ((f"ENSEMBL:{ensembl}",) if ensembl else ())
    synonyms = tuple(s for s in symbols if s != symbol)
    props = _props(symbol=symbol, omim_gene=mim, ensembl=ensembl) | (extra or {})
    return NodeRow(gene_id, NodeLabel.GENE, symbol or None, synonyms, xrefs, props)


def _phenotype(
    table: _Table, lineno: int, gene_id: str, entry: str, with_inheritance: bool
) -> None:
    """Disease node, gene -> disease edge and (genemap2) inheritance edges of one entry."""
    match = _PHENOTYPE.match(entry)
    if match is None:
        raise table.error(lineno, "phenotype entry is not '<name>, <MIM> (<key>)'", entry)
    if match["mim"] is None:
        table.skipped["phenotype entry without a phenotype MIM number"] += 1
        return
    disease = f"OMIM:{match['mim']}"
    name = match["name"].strip("?{}[] ")
    table.nodes.append(NodeRow(disease, NodeLabel.DISEASE, name or None))
    props = _props(mapping_key=match["key"], omim_phenotype=entry)
    rel = _relation(match["name"], match["key"])
    table.edges.append(EdgeRow(gene_id, rel, disease, props=props))
    words = match["inheritance"] or ""
    for word in (w.strip() for w in words.split(",") if with_inheritance and w.strip()):
        hp = OMIM_INHERITANCE.get(word)
        if hp is None:
            table.skipped[f"inheritance without an HPO mode: {word}"] += 1
            continue
        edge = EdgeRow(disease, RelType.HAS_MODE_OF_INHERITANCE, hp, props={"inheritance": word})
        table.edges.append(edge)


def _relation(name: str, key: str) -> RelType:
    """The mapping key's relation, capped by the name's marks: {susceptibility}, [nondisease], ?."""
    rel = _KEY_REL.get(key, RelType.ASSOCIATED_WITH)
    if "{" in name:
        rel = min(rel, RelType.CONTRIBUTES_TO, key=_STRENGTH.index)
    if "[" in name or name.lstrip("{").startswith("?"):
        rel = RelType.ASSOCIATED_WITH
    return rel


def _props(**values: PropValue | None) -> dict[str, PropValue]:
    return {k: v for k, v in values.items() if v not in (None, "", ())}
