"""The extract stage: a batch of literature documents -> plain rows (one per document and
model: its statements as write-back rows, or why it failed). No graph access, so the stage
runs anywhere (this process, a Ray worker) and its rows travel as JSON.

ADE reads raw text (title + abstract, split into sentences by AdeService); BioRED reads the
documents that carry entity annotations (PubTator, BioC), with BC5CDR's types mapped to
BioRED's."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, Protocol

from core.exceptions import EvigraphError, ExtractionError
from extraction import writeback as wb
from extraction.literature.documents import LitDocument

logger = logging.getLogger(__name__)
Row = dict[str, Any]
EXTRACTORS = ("ade", "biored")
# PubTator types of other corpora (BC5CDR, PubTator Central) as BioRED's entity types.
BIORED_TYPES = {
    "Chemical": "ChemicalEntity",
    "Disease": "DiseaseOrPhenotypicFeature",
    "Gene": "GeneOrGeneProduct",
    "Species": "OrganismTaxon",
    "Mutation": "SequenceVariant",
    "DNAMutation": "SequenceVariant",
    "ProteinMutation": "SequenceVariant",
    "CellLine": "CellLine",
}


class Extractor(Protocol):
    name: str

    @property
    def model(self) -> wb.ModelInfo: ...

    def applies(self, doc: LitDocument) -> bool: ...

    def extract(self, docs: Sequence[LitDocument]) -> list[Row]: ...


def document_row(model: wb.ModelInfo, doc_id: str, statements: Sequence[wb.Statement]) -> Row:
    nodes, edges = wb.statement_rows(model, statements)
    return {
        "document_id": doc_id,
        "key": wb.document_key(model, doc_id),
        "model": asdict(model),
        "nodes": nodes,
        "edges": edges,
        "error": None,
    }


def failed_row(model: wb.ModelInfo, doc_id: str, error: str) -> Row:
    return {
        "document_id": doc_id,
        "key": wb.document_key(model, doc_id),
        "model": asdict(model),
        "nodes": [],
        "edges": [],
        "error": error,
    }


class AdeExtractor:
    name = "ade"

    def __init__(self, service: Any, gate: bool | None = None) -> None:
        """`service`: an extraction.ade.service.AdeService. `gate` None: the sentence gate on
        when one is trained. Literature is mostly sentences that report no adverse event, and
        with the corpus' ADE-NEG sentences included the gate wins on dev (strict F1 0.635
        against 0.540 without it; bench/RESULTS.md, issue 6)."""
        self.service = service
        self.gate = gate if gate is not None else service.gate is not None

    @property
    def operating_point(self) -> dict[str, Any]:
        """What this run extracts at: the pair classifier's threshold, the gate and its."""
        gate = self.service.gate if self.gate else None
        return {
            "pair_threshold": float(self.service.pair.threshold),
            "sentence_gate": bool(self.gate),
            "gate_threshold": float(gate.threshold) if gate is not None else None,
        }

    @property
    def model(self) -> wb.ModelInfo:
        info: wb.ModelInfo = self.service.model_info
        return info

    def applies(self, doc: LitDocument) -> bool:
        return bool(doc.text.strip())

    def extract(self, docs: Sequence[LitDocument]) -> list[Row]:
        from extraction.ade.text import Document

        model = self.model
        if not docs:
            return []
        try:
            results = self.service.extract([Document(d.id, d.text) for d in docs], self.gate)
        except ExtractionError as e:  # no document of the batch is usable
            return [failed_row(model, d.id, str(e)) for d in docs]
        rows = []
        for res in results:
            if res.error is not None:
                rows.append(failed_row(model, res.document_id, res.error))
                continue
            try:
                rows.append(document_row(model, res.document_id, self.service.statements([res])))
            except EvigraphError as e:
                rows.append(failed_row(model, res.document_id, str(e)))
        return rows


def biored_document(doc: LitDocument) -> Any:
    """`doc` as a BioRED corpus document (its mentions with BioRED's types), or None when it
    has no annotation BioRED can read."""
    from extraction.biored.corpus import ENTITY_TYPES, Document, Mention

    mentions = []
    for a in doc.annotations:
        kind = BIORED_TYPES.get(a.type, a.type)
        if kind in ENTITY_TYPES and a.ids:
            mentions.append(Mention(a.start, a.end, a.text, kind, a.ids))
    if not mentions:
        return None
    pmid = doc.id.removeprefix("PMID:")
    title = doc.text[: len(doc.title)]
    return Document(pmid, title, doc.text[len(title) + 1 :], mentions)


class BioredExtractor:
    name = "biored"

    def __init__(self, service: Any) -> None:
        self.service = service  # an extraction.biored.service.BioREDService

    @property
    def model(self) -> wb.ModelInfo:
        info: wb.ModelInfo = self.service.model_info
        return info

    def applies(self, doc: LitDocument) -> bool:
        return doc.id.startswith("PMID:") and biored_document(doc) is not None

    def extract(self, docs: Sequence[LitDocument]) -> list[Row]:
        from extraction.biored.service import to_statements

        model = self.model
        corpus_docs = [biored_document(d) for d in docs]
        if not docs:
            return []
        relations, failed = self.service.extract_each(corpus_docs)
        broken = {f.split(":", 1)[0].removeprefix("document ") for f in failed}
        rows = []
        for doc, cdoc in zip(docs, corpus_docs, strict=True):
            if cdoc.pmid in broken:
                msg = next(f for f in failed if f.startswith(f"document {cdoc.pmid}:"))
                rows.append(failed_row(model, doc.id, msg))
                continue
            mine = [r for r in relations if r.pmid == cdoc.pmid]
            try:
                rows.append(document_row(model, doc.id, to_statements([cdoc], mine, None)))
            except EvigraphError as e:
                rows.append(failed_row(model, doc.id, str(e)))
        return rows


def extract_batch(
    extractors: Sequence[Extractor], docs: Sequence[LitDocument], done: frozenset[str] = frozenset()
) -> list[Row]:
    """Rows of every extractor for the documents it applies to and has not read (`done`:
    marker keys already in the graph)."""
    rows: list[Row] = []
    for ex in extractors:
        model = ex.model
        todo = [d for d in docs if ex.applies(d) and wb.document_key(model, d.id) not in done]
        rows += ex.extract(todo)
    return rows


def trained(settings: Any) -> list[str]:
    """The extractors whose served model is on disk (`--extractors auto`)."""
    from extraction.ade.checkpoint import MODEL_FILE
    from extraction.ade.service import ade_dir, pair_folder
    from extraction.biored import checkpoint

    out = []
    if (pair_folder(ade_dir(settings), settings.ade.pair_model) / MODEL_FILE).is_file():
        out.append("ade")
    if checkpoint.default_path(settings.models.var_dir).is_file():
        out.append("biored")
    return out


def load_extractors(
    names: Sequence[str], settings: Any = None, gate: bool | None = None
) -> list[Extractor]:
    """The served models of `names` (ade, biored), loaded from disk once (`settings`: None
    reads them from the environment, as a Ray worker does)."""
    from core.settings import get_settings

    settings = settings or get_settings()
    unknown = sorted(set(names) - set(EXTRACTORS))
    if unknown or not names:
        raise ExtractionError(
            f"unknown extractor {', '.join(unknown) or '(none)'}; choose from ade, biored"
        )
    out: list[Extractor] = []
    for name in names:
        if name == "ade":
            from extraction.ade.service import AdeService

            out.append(AdeExtractor(AdeService.from_settings(settings), gate))
        else:
            from extraction.biored import checkpoint
            from extraction.biored.service import BioREDService

            m = settings.models
            path = checkpoint.default_path(m.var_dir)
            out.append(BioredExtractor(BioREDService(path, m.encoder_dir, m.torch_threads)))
    return out
