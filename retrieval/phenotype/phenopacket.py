"""GA4GH Phenopacket v2 reading: the observed and excluded HPO terms of a case, and where
present its diagnosis, causal genes and the PMID of its report."""

from __future__ import annotations

import json
import re
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.exceptions import RetrievalError

_HP = re.compile(r"HP:\d{7}")
_V2 = re.compile(r"2(\.\d+)*")


@dataclass
class Case:
    id: str
    observed: list[str]
    excluded: list[str]
    labels: dict[str, str] = field(default_factory=dict)  # HPO id -> label given in the packet
    diseases: list[str] = field(default_factory=list)
    genes: list[str] = field(default_factory=list)  # HGNC: ids
    gene_symbols: list[str] = field(default_factory=list)
    pmids: list[str] = field(default_factory=list)
    source: str = ""


def parse_phenopacket(obj: Any, where: str = "phenopacket") -> Case:
    """A Case from a parsed phenopacket; RetrievalError naming `where` when it is not a v2
    phenopacket or lists no observed HPO phenotype."""
    if not isinstance(obj, dict):
        raise RetrievalError(f"{where}: a phenopacket is a JSON object, got {type(obj).__name__}")
    meta = obj.get("metaData")
    version = meta.get("phenopacketSchemaVersion") if isinstance(meta, dict) else None
    if not isinstance(version, str) or not _V2.fullmatch(version.strip()):
        raise RetrievalError(
            f"{where}: not a GA4GH phenopacket v2 (metaData.phenopacketSchemaVersion is "
            f"{version!r}, expected '2.0')"
        )
    features = obj.get("phenotypicFeatures") or []
    if not isinstance(features, list):
        raise RetrievalError(f"{where}.phenotypicFeatures: expected a list")
    observed: list[str] = []
    excluded: list[str] = []
    labels: dict[str, str] = {}
    for n, feat in enumerate(features):
        term = feat.get("type") if isinstance(feat, dict) else None
        tid = term.get("id") if isinstance(term, dict) else None
        if not isinstance(tid, str) or not _HP.fullmatch(tid):
            raise RetrievalError(
                f"{where}.phenotypicFeatures[{n}].type.id: expected an HPO id, got {tid!r}"
            )
        labels[tid] = str(term.get("label") or "") if isinstance(term, dict) else ""
        target = excluded if feat.get("excluded") is True else observed
        if tid not in target:
            target.append(tid)
    if not observed:
        raise RetrievalError(f"{where}.phenotypicFeatures: no observed (non-excluded) phenotype")
    return Case(
        id=str(obj.get("id") or ""),
        observed=observed,
        excluded=excluded,
        labels=labels,
        diseases=_diseases(obj),
        genes=_genes(obj, "valueId"),
        gene_symbols=_genes(obj, "symbol"),
        pmids=_pmids(meta),
        source=where,
    )


def _diseases(obj: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for interp in obj.get("interpretations") or []:
        d = ((interp.get("diagnosis") or {}).get("disease") or {}).get("id")
        if d and d not in found:
            found.append(d)
    for dis in obj.get("diseases") or []:
        d = (dis.get("term") or {}).get("id")
        if d and d not in found:
            found.append(d)
    return found


def _genes(obj: dict[str, Any], key: str) -> list[str]:
    found: list[str] = []
    for interp in obj.get("interpretations") or []:
        for gi in (interp.get("diagnosis") or {}).get("genomicInterpretations") or []:
            vi = gi.get("variantInterpretation") or {}
            ctx = (vi.get("variationDescriptor") or {}).get("geneContext") or {}
            gene = ctx.get(key) or (gi.get("gene") or {}).get(key)
            if gene and gene not in found:
                found.append(gene)
    return found


def _pmids(meta: Any) -> list[str]:
    if not isinstance(meta, dict):
        return []
    refs = meta.get("externalReferences") or []
    ids = [str(r.get("id", "")) for r in refs if isinstance(r, dict)]
    return [i for i in ids if i.startswith("PMID:")]


def read_phenopacket(path: Path) -> Case:
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RetrievalError(f"{path}: not a readable JSON phenopacket: {e}") from e
    return parse_phenopacket(obj, str(path))


def iter_tar(path: Path) -> Iterator[Case]:
    """Every phenopacket of a phenopacket-store tarball, in name order; packets without an
    observed phenotype are skipped (the store holds one)."""
    packets: dict[str, Any] = {}
    with tarfile.open(path, "r:gz") as tar:
        for m in tar:  # in archive order: a gzip stream cannot seek back cheaply
            f = tar.extractfile(m) if m.name.endswith(".json") else None
            if f is not None:
                packets[m.name] = json.loads(f.read())
    for name in sorted(packets):
        try:
            yield parse_phenopacket(packets[name], name)
        except RetrievalError as e:
            if "no observed" not in str(e):
                raise
