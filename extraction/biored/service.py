"""BioREDService: load the checkpoint once, extract relations from annotated documents,
write them back through the shared write-back module. Used by the CLI and the API."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from core.exceptions import EvigraphError
from extraction import writeback as wb
from extraction.biored.corpus import Document, Mention
from extraction.biored.linking import curated_disease_ids, curie, make_node
from extraction.biored.metrics import Predicted
from extraction.biored.pairs import DIRECTION_LABELS, SHORT_TYPE, TYPE_LABELS
from extraction.biored.predictor import load_predictor
from extraction.biored.train import PairPrediction
from graph.repository import GraphStore
from graph.vocabulary import RelType

logger = logging.getLogger(__name__)

# BioRED types as relationship types (each with its Biolink predicate in graph/vocabulary/);
# the BioRED type is also kept verbatim on the edge.
RELATIONS: dict[str, RelType] = {
    "Association": RelType.ASSOCIATION,
    "Positive_Correlation": RelType.POSITIVE_CORRELATION,
    "Negative_Correlation": RelType.NEGATIVE_CORRELATION,
    "Bind": RelType.BIND,
    "Cotreatment": RelType.COTREATMENT,
    "Comparison": RelType.COMPARISON,
    "Drug_Interaction": RelType.DRUG_INTERACTION,
    "Conversion": RelType.CONVERSION,
}


@dataclass(frozen=True)
class ExtractedRelation:
    pmid: str
    id1: str
    id2: str
    type1: str
    type2: str
    rel_type: str
    relation_score: float  # 1 - P(no relation)
    type_score: float
    novel: bool
    novel_score: float
    subject: str | None  # None: undirected
    direction: str
    direction_score: float

    def as_predicted(self) -> Predicted:
        pair_type = "-".join(sorted((SHORT_TYPE[self.type1], SHORT_TYPE[self.type2])))
        return Predicted(
            self.pmid, self.id1, self.id2, self.rel_type, self.novel, self.subject, pair_type
        )

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def decode(p: PairPrediction, threshold: float = 0.5) -> ExtractedRelation | None:
    """The relation a pair prediction states, or None when the probability of some relation
    (1 - P(none)) stays under `threshold` (tuned on the dev set at training)."""
    if 1.0 - p.type_probs[0] < threshold:
        return None
    t = max(range(1, len(p.type_probs)), key=p.type_probs.__getitem__)
    c = p.cand
    d = max(range(len(p.direction_probs)), key=p.direction_probs.__getitem__)
    subject = None if d == 0 else (c.id1 if d == 1 else c.id2)
    return ExtractedRelation(
        c.pmid,
        c.id1,
        c.id2,
        c.type1,
        c.type2,
        TYPE_LABELS[t],
        round(1.0 - p.type_probs[0], 4),
        round(p.type_probs[t], 4),
        p.novel_prob >= 0.5,
        round(p.novel_prob, 4),
        subject,
        DIRECTION_LABELS[d],
        round(p.direction_probs[d], 4),
    )


def _first_mention(doc: Document, entity_id: str) -> Mention | None:
    return next((m for m in doc.mentions if entity_id in m.ids), None)


def to_statements(
    documents: list[Document], relations: list[ExtractedRelation], store: GraphStore | None
) -> list[wb.Statement]:
    """Write-back statements: subject -> object when a direction is known, otherwise the
    pair in id order with `directed=False`, so it is stored once.
    Relations naming an unnormalized id (`-`) cannot be linked and are left out."""
    docs = {d.pmid: d for d in documents}
    types = {(d.pmid, i): t for d in documents for i, t in d.entity_types().items()}
    joined = (
        curated_disease_ids(store, [curie(i, t) for (_, i), t in types.items()])
        if store is not None
        else {}
    )
    out = []
    for r in relations:
        if "-" in (r.id1, r.id2):
            continue
        doc = docs[r.pmid]
        first, second = (r.id2, r.id1) if r.subject == r.id2 else (r.id1, r.id2)
        m1, m2 = _first_mention(doc, first), _first_mention(doc, second)
        n1 = make_node(first, types[(r.pmid, first)], m1, joined)
        n2 = make_node(second, types[(r.pmid, second)], m2, joined)
        if r.subject is None and n2.id < n1.id:
            # One orientation per undirected pair, so its evidence key does not depend on
            # the order in which the pair was read.
            n1, n2, m1, m2 = n2, n1, m2, m1
        rel = RELATIONS[r.rel_type]
        ev = wb.Evidence(
            f"PMID:{r.pmid}",
            doc.text,
            (m1.start, m1.end) if m1 else None,
            (m2.start, m2.end) if m2 else None,
        )
        out.append(
            wb.Statement(
                n1,
                rel,
                rel.predicate,
                n2,
                r.relation_score,
                ev,
                directed=r.subject is not None,
                qualifiers={
                    "biored_type": r.rel_type,
                    "novelty": "Novel" if r.novel else "No",
                    "novel_score": r.novel_score,
                    "relation_score": r.relation_score,
                    "type_score": r.type_score,
                    "direction": r.direction,
                    "direction_score": r.direction_score,
                },
            )
        )
    return out


class BioREDService:
    """Holds one loaded checkpoint (either configuration: the checkpoint says which);
    `extract` and `write` may be called many times."""

    def __init__(self, path: Path, encoder_dir: Path | None = None, threads: int = 2) -> None:
        torch.set_num_threads(threads)
        self.path = path
        self.predictor = load_predictor(path, encoder_dir)

    @property
    def model_info(self) -> wb.ModelInfo:
        p = self.predictor
        return wb.ModelInfo("biored", p.model_name, p.version, p.encoder_id)

    def extract(self, documents: list[Document]) -> list[ExtractedRelation]:
        return self.extract_each(documents)[0]

    def extract_each(self, documents: list[Document]) -> tuple[list[ExtractedRelation], list[str]]:
        """Relations of `documents`, and the documents that failed (one message each): one
        document that breaks the model loses only itself, never the batch."""
        try:
            return self._decoded(self.predictor.predict(documents)), []
        except EvigraphError:
            raise
        except Exception:
            logger.exception(
                "BioRED extraction of %d documents failed; retrying each", len(documents)
            )
        relations: list[ExtractedRelation] = []
        failed: list[str] = []
        for doc in documents:
            try:
                relations += self._decoded(self.predictor.predict([doc]))
            except EvigraphError:
                raise
            except Exception as e:
                logger.exception("BioRED extraction of document %s failed", doc.pmid)
                failed.append(f"document {doc.pmid}: extraction failed ({e!r})")
        return relations, failed

    def _decoded(self, preds: list[PairPrediction]) -> list[ExtractedRelation]:
        return [r for r in (decode(p, self.threshold) for p in preds) if r is not None]

    @property
    def threshold(self) -> float:
        return self.predictor.threshold

    def write(
        self,
        store: GraphStore,
        documents: list[Document],
        relations: list[ExtractedRelation],
        inputs: dict[str, str],
    ) -> wb.WriteResult:
        sts = to_statements(documents, relations, store)
        return wb.write_statements(
            store, self.model_info, sts, inputs=inputs, params={"checkpoint": str(self.path)}
        )
