"""AdeService: load the trained models once, extract Drug -> adverse event relations from
documents, and write them back as provenance-tagged statements.

Every input is checked and every relation extracted before anything is written, and the
write is one ExtractionRun that retracts itself on failure: nothing is left half-written."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.encoders import cpu_bf16, inference_precision, resolve_model_dir
from core.exceptions import ExtractionError, ModelLoadError
from core.settings import Settings
from extraction import writeback as wb
from extraction.ade.checkpoint import META_FILE, MODEL_FILE, PairBundle, load_bundle, score_items
from extraction.ade.dictionary import DictionaryTagger, UnionTagger
from extraction.ade.gate import GateBundle, saved_gate
from extraction.ade.linking import HpoLinker, Link, drug_node, normalize
from extraction.ade.markers import check_span
from extraction.ade.tagger import SpanTagger, candidate_pairs, saved_tagger
from extraction.ade.text import Chunk, Document, check_document, chunks
from extraction.ade.text_encoder import TextEncoder
from graph.hpo_terms import terms_from_obo
from graph.repository import GraphStore
from graph.vocabulary import NodeLabel, RelType

Span = tuple[int, int]
# The model_name of a statement, by the served pair classifier's arch.
MODEL_NAMES = {
    "dual": "crag-dual-encoder-ade",
    "shared": "crag-dual-encoder-ade",
    "single": "marker-single-encoder-ade",
}
PAIR_FOLDERS = ("pair", "single")  # what ade-train and bench/ade_baselines.py --single write
DICTIONARY = "dictionary.json"
UNION_KEY = "union_with_dictionary"  # tagger.json: add the dictionary's non-overlapping spans
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Relation:
    drug: str
    event: str
    drug_span: Span  # document offsets
    event_span: Span
    score: float
    sentence: str
    sentence_start: int
    drug_id: str
    event_id: str
    event_name: str
    link_method: str
    link_score: float


@dataclass
class DocumentResult:
    document_id: str
    relations: list[Relation] = field(default_factory=list)
    candidates: int = 0
    # with the sentence gate: its threshold, and the sentences with candidate pairs it
    # rejected (their pairs are not classified)
    gate_threshold: float | None = None
    gated_sentences: int = 0
    # mentions dropped on the way (e.g. a tagged "." that names nothing), and why the
    # document was skipped, if it was
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def ade_dir(settings: Settings) -> Path:
    return settings.ade.checkpoint_dir or settings.models.var_dir / "ade"


def pair_folder(folder: Path, choice: str = "auto") -> Path:
    """The pair classifier to serve: `folder/choice`, or with "auto" the trained one (of
    PAIR_FOLDERS) with the highest dev F1 in its meta.json; a tie keeps the CRAG model. With
    none trained it is `folder/pair`, whose loading then says how to train one."""
    if choice != "auto":
        return folder / choice
    dev_f1: dict[str, float] = {}
    for name in PAIR_FOLDERS:
        meta = folder / name / META_FILE
        if meta.is_file() and (folder / name / MODEL_FILE).is_file():
            try:
                dev_f1[name] = float(json.loads(meta.read_text())["dev"]["f1"])
            except (ValueError, KeyError, TypeError) as e:
                raise ModelLoadError(f"{meta}: no dev F1 to choose the pair model by ({e})") from e
    if not dev_f1:
        return folder / "pair"
    return folder / max(dev_f1, key=lambda n: (dev_f1[n], n == "pair"))


def served_tagger(folder: Path, encoder_dir: Path | None = None) -> SpanTagger:
    """The span tagger the service runs from `folder` (<var>/ade): the neural tagger where one
    was trained, with the dictionary's spans added where that scored better on dev (taggers
    saved before that choice: added); else the dictionary tagger."""
    dictionary = DictionaryTagger.load(folder / DICTIONARY)
    if (neural := saved_tagger(folder / "tagger", encoder_dir)) is None:
        return dictionary
    meta = json.loads((folder / "tagger" / "tagger.json").read_text())
    return UnionTagger(neural, dictionary) if meta.get(UNION_KEY, True) else neural


def _named_spans(
    chunk: Chunk, tags: dict[str, list[Span]], dropped: dict[str, list[str]]
) -> dict[str, list[Span]]:
    """`tags` without the mentions that name nothing once normalised (a tagged "." or "-"):
    each is dropped with a warning on its document, never an error for the batch."""
    kept: dict[str, list[Span]] = {}
    for label, spans in tags.items():
        kept[label] = []
        for a, b in spans:
            if any(ch.isalnum() for ch in normalize(chunk.text[a:b])):
                kept[label].append((a, b))
                continue
            note = (
                f"document {chunk.document_id}: {label} mention {chunk.text[a:b]!r} at "
                f"{chunk.start + a}-{chunk.start + b} names nothing once normalised; dropped"
            )
            logger.warning(note)
            dropped.setdefault(chunk.document_id, []).append(note)
    return kept


def _event_node(r: Relation) -> wb.Node:
    if r.link_method == "unlinked":
        return wb.Node(
            r.event_id,
            NodeLabel.ADVERSE_EVENT,
            r.event_name,
            NodeLabel.ADVERSE_EVENT.category,
            {"surface": r.event},
        )
    return wb.Node(
        r.event_id,
        NodeLabel.PHENOTYPIC_FEATURE,
        r.event_name,
        NodeLabel.PHENOTYPIC_FEATURE.category,
    )


class AdeService:
    def __init__(
        self,
        pair: PairBundle,
        tagger: SpanTagger,
        linker: HpoLinker,
        max_chars: int = 200_000,
        chunk_chars: int = 1_000,
        batch_size: int = 64,
        bf16: bool = False,
        gate: GateBundle | None = None,
        gate_default: bool = False,
    ) -> None:
        self.pair, self.tagger, self.linker = pair, tagger, linker
        self.max_chars, self.chunk_chars, self.batch_size = max_chars, chunk_chars, batch_size
        self.bf16 = bf16
        self.gate, self.gate_default = gate, gate_default

    def precision(self) -> Any:
        """The context the tagger and pair classifier run in (bf16 autocast or fp32)."""
        return inference_precision(self.bf16)

    @classmethod
    def from_settings(cls, settings: Settings) -> AdeService:
        import torch

        torch.set_num_threads(settings.models.torch_threads)
        folder, enc = ade_dir(settings), settings.models.encoder_dir
        linker = HpoLinker(
            terms_from_obo(),
            TextEncoder(resolve_model_dir(enc)),
            settings.ade.link_threshold,
            cache=folder / "linking",
        )
        return cls(
            load_bundle(pair_folder(folder, settings.ade.pair_model), enc),
            served_tagger(folder, enc),
            linker,
            settings.ade.max_document_chars,
            settings.ade.chunk_chars,
            settings.ade.batch_size,
            cpu_bf16(settings.ade.precision),
            saved_gate(folder / "gate", enc),
            settings.ade.sentence_gate,
        )

    @property
    def model_info(self) -> wb.ModelInfo:
        name = MODEL_NAMES[self.pair.cfg.arch]
        return wb.ModelInfo("ade", name, self.pair.version, self.pair.cfg.encoder_id)

    def extract(
        self, inputs: str | Sequence[Document], gate: bool | None = None
    ) -> list[DocumentResult]:
        """Relations in `inputs` (one text or documents), one result per document in input
        order. A document that cannot be read (empty, too long, a repeated id) gets its
        `error` and no relations, and the others go on; only when no document is usable is
        it an ExtractionError. With `gate` (None: the setting `ade.sentence_gate`), a
        sentence the sentence gate scores under its threshold gives no relations: fewer false
        ones in sentences that report no adverse event, at the cost of some true ones
        (`bench/RESULTS.md`)."""
        active = self._active_gate(gate)
        docs = [Document("text", inputs)] if isinstance(inputs, str) else list(inputs)
        if not docs:
            raise ExtractionError("no documents to extract from")
        seen: set[str] = set()
        results = []
        for d in docs:
            results.append(DocumentResult(d.id, error=self._problem(d, seen)))
            seen.add(d.id)
        usable = [d for d, r in zip(docs, results, strict=True) if r.error is None]
        if not usable:
            raise ExtractionError("; ".join(r.error or "" for r in results))
        try:
            found = self._extract(usable, active)
        except (ExtractionError, ModelLoadError):
            raise
        except Exception:  # one document must not lose the others: retry them one by one
            logger.exception("ADE extraction of %d documents failed; retrying each", len(usable))
            found = self._one_by_one(usable, active)
        by_id = {r.document_id: r for r in results if r.error is None}
        for res in found:
            by_id[res.document_id] = res
        return [by_id[r.document_id] if r.error is None else r for r in results]

    def _active_gate(self, gate: bool | None) -> GateBundle | None:
        if not (self.gate_default if gate is None else gate):
            return None
        if self.gate is None:
            raise ModelLoadError(
                "no sentence gate trained: run `evigraph extract ade-train --gate-seconds 900` "
                "(or extract without the gate)"
            )
        return self.gate

    def _problem(self, doc: Document, seen: set[str]) -> str | None:
        """Why `doc` cannot be extracted from, or None; `seen`: the ids of the documents
        before it."""
        try:
            check_document(doc, self.max_chars)
        except ExtractionError as e:
            return str(e)
        if doc.id in seen:
            return f"document {doc.id}: the id is repeated (an earlier document has it); skipped"
        return None

    def _one_by_one(
        self, docs: Sequence[Document], active: GateBundle | None
    ) -> list[DocumentResult]:
        out = []
        for doc in docs:
            try:
                out += self._extract([doc], active)
            except (ExtractionError, ModelLoadError):
                raise
            except Exception as e:
                logger.exception("ADE extraction of document %s failed", doc.id)
                out.append(
                    DocumentResult(doc.id, error=f"document {doc.id}: extraction failed ({e!r})")
                )
        return out

    def _extract(self, docs: Sequence[Document], active: GateBundle | None) -> list[DocumentResult]:
        pieces = [c for doc in docs for c in chunks(doc, self.chunk_chars)]
        with self.precision():
            tags = self.tagger.tag([c.text for c in pieces])
        dropped: dict[str, list[str]] = {}
        found = [
            (c, candidate_pairs(_named_spans(c, t, dropped)))
            for c, t in zip(pieces, tags, strict=True)
        ]
        found = [(c, pairs) for c, pairs in found if pairs]
        gated: list[Chunk] = []
        if active is not None and found:
            with self.precision():
                scores = active.scores([c.text for c, _ in found], self.batch_size)
            gated = [c for (c, _), p in zip(found, scores, strict=True) if p < active.threshold]
            found = [x for x, p in zip(found, scores, strict=True) if p >= active.threshold]
        results = self._classify(docs, [(c, d, a) for c, pairs in found for d, a in pairs])
        by_id = {r.document_id: r for r in results}
        for doc_id, notes in dropped.items():
            by_id[doc_id].warnings += notes
        if active is not None:
            for r in results:
                r.gate_threshold = active.threshold
            for c in gated:
                by_id[c.document_id].gated_sentences += 1
        return results

    def classify_pairs(self, doc: Document, pairs: Sequence[tuple[Span, Span]]) -> DocumentResult:
        """Score given (drug span, event span) pairs, document offsets, both in one sentence."""
        check_document(doc, self.max_chars)
        pieces = chunks(doc, self.chunk_chars)
        cands = []
        for n, (d, a) in enumerate(pairs):
            check_span(doc.text, d, f"document {doc.id} pair {n}: drug")
            check_span(doc.text, a, f"document {doc.id} pair {n}: event")
            home = [
                c
                for c in pieces
                if c.start <= min(d[0], a[0]) and max(d[1], a[1]) <= c.start + len(c.text)
            ]
            if not home:
                raise ExtractionError(
                    f"document {doc.id} pair {n}: the spans are not in one sentence"
                )
            c = home[0]
            cands.append((c, (d[0] - c.start, d[1] - c.start), (a[0] - c.start, a[1] - c.start)))
        return self._classify([doc], cands, keep_all=True)[0]

    def _classify(
        self,
        docs: Sequence[Document],
        cands: list[tuple[Chunk, Span, Span]],
        keep_all: bool = False,
    ) -> list[DocumentResult]:
        results = {d.id: DocumentResult(d.id) for d in docs}
        with self.precision():
            items = [(c.text, d, a) for c, d, a in cands]
            scores = score_items(self.pair, items, self.batch_size)
        kept = [
            (c, d, a, float(s))
            for (c, d, a), s in zip(cands, scores, strict=True)
            if keep_all or s >= self.pair.threshold
        ]
        links = self.linker.link_many([c.text[a[0] : a[1]] for c, _, a, _ in kept])
        for c, _, _ in cands:
            results[c.document_id].candidates += 1
        for (c, d, a, s), link in zip(kept, links, strict=True):
            results[c.document_id].relations.append(self._relation(c, d, a, s, link))
        return list(results.values())

    @staticmethod
    def _relation(c: Chunk, d: Span, a: Span, score: float, link: Link) -> Relation:
        drug = c.text[d[0] : d[1]]
        return Relation(
            drug,
            c.text[a[0] : a[1]],
            (c.start + d[0], c.start + d[1]),
            (c.start + a[0], c.start + a[1]),
            round(score, 6),
            c.text,
            c.start,
            drug_node(drug).id,
            link.node.id,
            link.node.name,
            link.method,
            round(link.score, 4),
        )

    def statements(self, results: Sequence[DocumentResult]) -> list[wb.Statement]:
        out = []
        for res in results:
            for r in res.relations:
                if r.score < self.pair.threshold:
                    continue
                event = _event_node(r)
                ev = wb.Evidence(
                    res.document_id,
                    r.sentence,
                    (r.drug_span[0] - r.sentence_start, r.drug_span[1] - r.sentence_start),
                    (r.event_span[0] - r.sentence_start, r.event_span[1] - r.sentence_start),
                )
                out.append(
                    wb.Statement(
                        drug_node(r.drug),
                        RelType.CAUSES_ADVERSE_EVENT,
                        RelType.CAUSES_ADVERSE_EVENT.predicate,
                        event,
                        r.score,
                        ev,
                        qualifiers={
                            "sentence_start": r.sentence_start,
                            "link_method": r.link_method,
                            "link_score": r.link_score,
                            "drug_surface": r.drug,
                            "event_surface": r.event,
                            "threshold": round(self.pair.threshold, 6),
                        },
                    )
                )
        return out

    def write(
        self, store: GraphStore, results: Sequence[DocumentResult], inputs: dict[str, str]
    ) -> wb.WriteResult:
        return wb.write_statements(
            store,
            self.model_info,
            self.statements(results),
            inputs=inputs,
            params={"threshold": self.pair.threshold} | self._gate_params(results),
        )

    def _gate_params(self, results: Sequence[DocumentResult]) -> dict[str, object]:
        """The sentence gate's version and threshold, for a run whose results it filtered."""
        if self.gate is None or all(r.gate_threshold is None for r in results):
            return {}
        return {"sentence_gate": self.gate.version, "gate_threshold": self.gate.threshold}
