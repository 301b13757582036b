"""Gene ids: Orphanet names genes by HGNC, morbidmap by OMIM gene MIM; the graph keys genes by
NCBI Gene. The resolver maps those placeholders through mim2gene (OMIM's free gene table)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from graph.vocabulary import NodeLabel
from ingest.rows import EdgeRow, NodeRow, ParsedFile

PLACEHOLDER_PREFIXES = ("HGNC:", "HGNC.SYMBOL:", "OMIM.GENE:")


@dataclass
class GeneResolver:
    by_symbol: dict[str, str] = field(default_factory=dict)
    by_mim: dict[str, str] = field(default_factory=dict)
    by_ensembl: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_parsed(cls, parsed: ParsedFile) -> GeneResolver:
        """From parse_mim2gene output: its Gene rows carry symbol, omim_gene and ensembl."""
        r = cls()
        for n in parsed.nodes:
            if n.label is not NodeLabel.GENE or not n.id.startswith("NCBIGene:"):
                continue
            if isinstance(sym := n.props.get("symbol"), str):
                r.by_symbol.setdefault(sym.upper(), n.id)
            if isinstance(mim := n.props.get("omim_gene"), str):
                r.by_mim.setdefault(mim, n.id)
            ens = n.props.get("ensembl")
            for e in (ens,) if isinstance(ens, str) else (ens if isinstance(ens, tuple) else ()):
                r.by_ensembl.setdefault(e, n.id)
        return r

    def resolve_node(self, node: NodeRow) -> str | None:
        """The NCBIGene id for a placeholder gene node, or None."""
        local = node.id.split(":", 1)[1]
        if node.id.startswith("OMIM.GENE:"):
            return self.by_mim.get(local)
        if node.id.startswith("HGNC.SYMBOL:"):
            return self.by_symbol.get(local.upper())
        mim = node.props.get("omim_gene")
        sym = node.props.get("symbol")
        ens = node.props.get("ensembl")
        ens_ids = (ens,) if isinstance(ens, str) else (ens if isinstance(ens, tuple) else ())
        candidates = [
            self.by_mim.get(mim) if isinstance(mim, str) else None,
            self.by_symbol.get(sym.upper()) if isinstance(sym, str) else None,
            *(self.by_ensembl.get(e) for e in ens_ids),
        ]
        return next((c for c in candidates if c), None)

    def apply(self, parsed: ParsedFile) -> ParsedFile:
        """Rewrite placeholder gene ids; unresolvable OMIM.GENE/HGNC.SYMBOL genes are dropped
        (and counted), unresolvable HGNC: genes keep their HGNC CURIE."""
        mapping: dict[str, str | None] = {}
        nodes: list[NodeRow] = []
        for n in parsed.nodes:
            if not n.id.startswith(PLACEHOLDER_PREFIXES):
                nodes.append(n)
                continue
            new = self.resolve_node(n) or (n.id if n.id.startswith("HGNC:") else None)
            mapping[n.id] = new
            if new is not None:
                xrefs = n.xrefs
                if n.id.startswith("HGNC:") and new != n.id and n.id not in xrefs:
                    xrefs = (*xrefs, n.id)  # the HGNC id stays findable as an xref
                nodes.append(replace(n, id=new, xrefs=xrefs))
        edges: list[EdgeRow] = []
        dropped = 0
        for e in parsed.edges:
            s = mapping.get(e.subject, e.subject)
            o = mapping.get(e.object, e.object)
            if s is None or o is None:
                dropped += 1
                continue
            edges.append(replace(e, subject=s, object=o))
        skipped = dict(parsed.skipped)
        unresolved = sum(1 for v in mapping.values() if v is None)
        if unresolved:
            skipped["gene without an NCBI Gene id in mim2gene"] = unresolved
            skipped["statement about an unresolved gene"] = dropped
        return replace(parsed, nodes=nodes, edges=edges, skipped=skipped)
