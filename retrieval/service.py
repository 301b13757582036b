"""Evidence for a question: link seeds, expand hop by hop in Cypher, score each hop with the
CAFF scorer and keep what passes its threshold. Loaded once per process (CLI or API)."""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from core.encoders import resolve_model_dir
from core.exceptions import ModelLoadError, RetrievalError
from core.settings import Settings
from graph.repository import GraphStore
from retrieval import bfs, cues, linking
from retrieval.caff.data import CATEGORIES, category_index
from retrieval.caff.model import HopScorer, sigmoid
from retrieval.caff.train import load_checkpoint
from retrieval.candidates import BlockReader, HeadBlock, HopCandidates
from retrieval.disk_cache import read_json, version_key, write_atomic
from retrieval.embeddings import (
    EmbeddingIndex,
    FrozenEncoder,
    build_or_load,
    graph_version_rows,
    load_encoder,
)
from retrieval.expansion_cache import VersionedCache, VersionWatch
from retrieval.linking import STOPWORDS
from retrieval.name_index import LiveNames, NameIndex, cached_names
from retrieval.phenotype import answer as phenotype_answer
from retrieval.phenotype.ranker import PhenotypeRanker
from retrieval.provenance import provenance
from retrieval.relations import Relation, parse_key, vocabulary

logger = logging.getLogger(__name__)
MODES = ("autoregressive", "per_hop")
StatementKey = tuple[str, str, bool, str]  # subject, relationship type, negated, object


def default_checkpoint(settings: Settings) -> Path:
    return settings.retrieval.checkpoint or settings.models.var_dir / "caff" / "default.pt"


def load_relations(store: GraphStore, settings: Settings) -> list[Relation]:
    """The relation vocabulary. Its counts (a scan of every relationship, about 1 s on the
    full graph) are cached under <var>/relations per graph version."""
    path = settings.models.var_dir / "relations" / f"{version_key(graph_version_rows(store))}.json"
    rows = read_json(path)
    if not isinstance(rows, list):
        rows = [dict(r) for r in store.read("retrieval/relation_counts")]
        write_atomic(path, json.dumps(rows).encode())
    return vocabulary(rows, settings.retrieval.min_relation_freq)


class EvidenceService:
    def __init__(
        self,
        store: GraphStore,
        settings: Settings,
        encoder: FrozenEncoder,
        index: EmbeddingIndex,
        relations: list[Relation],
        model: HopScorer,
        thresholds: dict[int, float],
        per_hop_thresholds: dict[int, float],
        checkpoint: Path,
        phenotypes: PhenotypeRanker | Callable[[], PhenotypeRanker] | None = None,
    ) -> None:
        self.store, self.settings = store, settings
        # The phenotype ranker loads the HPO annotations (tens of seconds): on first use, so
        # a CLI question that names no phenotypes never waits for it; the API warms it.
        self._phenotype_lock = threading.Lock()
        self._phenotype_loader = phenotypes if callable(phenotypes) else None
        self._phenotypes = None if callable(phenotypes) else phenotypes
        self.encoder, self.index, self.model = encoder, index, model
        self.frozen = model.for_inference()  # numpy parameters for one question at a time
        self.tail_tables = self.head_tables = None
        if model.cfg.entity_aware:
            # P_t^T x and P_h^T x of every entity name (and the zero row of unknown ids), per
            # hop: (L, E + 1, entity_rank), so a triple's entity terms are two short gathers
            every_row = np.arange(len(index.ids) + 1)
            self.tail_tables, self.head_tables = self.frozen.entity_projections(
                index.vectors_at(every_row)
            )
        self.relation_vectors = model.relations.numpy()
        self.relation_keys = [r.key for r in relations]
        self.rel_pos = {k: i for i, k in enumerate(self.relation_keys)}
        self.cue_tables = cues.cue_tables(self.relation_keys, CATEGORIES)
        self.use_cues = settings.retrieval.relation_cues
        self.thresholds = thresholds  # tuned for autoregressive use
        self.per_hop_thresholds = per_hop_thresholds  # tuned teacher-forced, for mode per_hop
        self.checkpoint = checkpoint
        r = settings.retrieval
        self.bfs_cfg = bfs.BfsConfig(3, r.k_per_relation, r.max_frontier)
        self.version = VersionWatch(lambda: graph_version_rows(store), r.cache_check_s)
        self.cache: VersionedCache[str, HeadBlock] | None = (
            VersionedCache(r.expansion_cache, self.version, check_s=0)
            if r.expansion_cache
            else None
        )
        self.blocks = BlockReader(
            store, self.relation_keys, self.bfs_cfg, index.entity_rows, self.cache
        )
        size = r.statement_cache
        self.statements: VersionedCache[StatementKey, dict[str, Any] | None] | None = (
            VersionedCache(size, self.version, check_s=0) if size else None
        )
        self.entities: VersionedCache[str, linking.EntityRow | None] | None = (
            VersionedCache(size, self.version, check_s=0) if size else None
        )
        self.names = LiveNames(self._load_names, self.version) if r.name_dictionary else None

    def _load_names(self) -> NameIndex:
        """The name dictionary of the current graph version, cached under <var>/names."""
        return cached_names(
            self.settings.models.var_dir / "names",
            self.version(),
            lambda: NameIndex(self.store.stream("retrieval/stream_entity_names"), STOPWORDS),
            STOPWORDS,
        )

    @classmethod
    def load(cls, store: GraphStore, settings: Settings) -> EvidenceService:
        relations = load_relations(store, settings)
        if not relations:
            raise RetrievalError("the graph has no relations to retrieve over; run the ingest")
        encoder = load_encoder(resolve_model_dir(settings.models.encoder_dir), settings.models)
        if settings.retrieval.onnx_questions:
            try:
                encoder.use_onnx(settings.models.var_dir)
            except ModelLoadError as e:
                logger.warning("%s; questions are encoded with PyTorch", e)
        index = build_or_load(store, encoder, relations, settings.models.var_dir)
        path = default_checkpoint(settings)
        cfg, ckpt = load_checkpoint(path)
        if ckpt.get("encoder") != encoder.encoder_id:
            raise ModelLoadError(
                f"{path} was trained with encoder {ckpt.get('encoder')}, but the configured "
                f"encoder is {encoder.encoder_id}; retrain with `evigraph caff train`"
            )
        rel_vecs = torch.as_tensor(index.relation_vectors)
        model = HopScorer(cfg, encoder.dim, rel_vecs, len(CATEGORIES))
        state = {k: v for k, v in ckpt["state_dict"].items() if k != "relations"}
        model.load_state_dict(state, strict=False)
        model.eval()
        thresholds = {int(k): float(v) for k, v in ckpt["thresholds"].items()}
        per_hop = ckpt.get("thresholds_per_hop") or ckpt["thresholds"]
        per_hop_thresholds = {int(k): float(v) for k, v in per_hop.items()}
        service = cls(
            store,
            settings,
            encoder,
            index,
            relations,
            model,
            thresholds,
            per_hop_thresholds,
            path,
            lambda: PhenotypeRanker.load(store, settings, graph_version_rows(store)),
        )
        if service.names is not None:
            service.names.start()
        return service

    def ready(self) -> dict[str, Any]:
        return {
            "encoder": self.encoder.encoder_id,
            "scorer": self.model.cfg.variant,
            "checkpoint": str(self.checkpoint),
            "relations": len(self.relation_keys),
            "entities_indexed": len(self.index.ids),
            "expansion_cache": self.cache.stats() if self.cache is not None else None,
            "statement_cache": self.statements.stats() if self.statements is not None else None,
            "entity_cache": self.entities.stats() if self.entities is not None else None,
            "name_dictionary": self.names.stats() if self.names is not None else None,
            "phenotype_ranker": (
                {"scorer": self._phenotypes.scorer, "diseases": len(self._phenotypes.kb.ids)}
                if self._phenotypes is not None
                else None
            ),
        }

    def link(self, question: str, seeds: list[str] | None) -> list[linking.Seed]:
        if seeds:
            return linking.check_seeds(self.store, seeds, self._entities)
        names = self.names.current() if self.names is not None else None
        found = linking.link_lexical(self.store, question, names=names)
        if not found:
            found = linking.link_embedding(
                question, self.encoder, self.index, self.settings.retrieval.link_threshold
            )
        if not found:
            raise RetrievalError(
                f"the question links to no entity of the graph: {question!r}; "
                "name an entity or pass seeds (CURIEs)"
            )
        return found[: self.settings.retrieval.max_seeds]

    def evidence(
        self,
        question: str,
        seeds: list[str] | None = None,
        max_hops: int = 3,
        mode: str = "autoregressive",
        threshold: float | None = None,
        top_k: int | None = None,
        raw_props: bool = False,
        phenotypes: list[str] | None = None,
        excluded_phenotypes: list[str] | None = None,
        phenopacket: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The evidence answer (see api.schemas.Evidence). `raw_props` adds each retained
        triple's relationship properties as `statement_props` (for RDF output).
        With a patient's phenotypes (given, in a phenopacket, or named in the question) the
        answer also ranks diseases and genes (`ranking`, `gene_ranking`, top_k or 20)."""
        wants = bool(phenotypes or excluded_phenotypes or phenopacket is not None)
        free_text = bool(question.strip()) and not seeds and self._may_name_phenotypes(question)
        ranker = self.phenotypes if wants or free_text else None
        patient = None
        if ranker is not None:
            patient = phenotype_answer.from_request(
                ranker, phenotypes, excluded_phenotypes, phenopacket
            )
        elif phenotypes or excluded_phenotypes or phenopacket is not None:
            raise RetrievalError("phenotypes: the graph holds no HPO phenotype annotations")
        if patient is not None and ranker is not None:
            ranked = ranker.rank(patient, top_k or 20)
            return phenotype_answer.answer(question, ranked, self._phenotype_model(ranker))
        if ranker is not None and question.strip() and not seeds:
            patient = phenotype_answer.from_question(ranker, question)
        if patient is None or ranker is None:
            return self._evidence(question, seeds, max_hops, mode, threshold, top_k, raw_props)
        ranked = ranker.rank(patient, top_k or 20)
        try:
            out = self._evidence(question, seeds, max_hops, mode, threshold, top_k, raw_props)
        except RetrievalError:  # the question names phenotypes only: the ranking answers it
            return phenotype_answer.answer(question, ranked, self._phenotype_model(ranker))
        out.update(phenotype_answer.ranking_fields(ranked))
        out["timings_ms"].update({f"phenotype_{k}": v for k, v in ranked["timings_ms"].items()})
        return out

    @property
    def phenotypes(self) -> PhenotypeRanker | None:
        """The phenotype ranker, loaded on first use (None: the graph has no annotations)."""
        with self._phenotype_lock:
            if self._phenotype_loader is not None:
                try:
                    self._phenotypes = self._phenotype_loader()
                    gc.freeze()  # its millions of objects live as long as the process
                except RetrievalError as e:
                    logger.warning("phenotype ranking unavailable: %s", e)
                self._phenotype_loader = None
            elif self._phenotypes is not None:
                self._phenotypes.refresh()  # a re-ranker trained behind the running API
        return self._phenotypes

    def warm_phenotypes(self) -> None:
        """Load the phenotype ranker in a background thread (the API, at start-up)."""
        threading.Thread(target=lambda: self.phenotypes, daemon=True).start()

    def _may_name_phenotypes(self, question: str) -> bool:
        """Whether the question names an HPO term by a full name or synonym, by the name
        dictionary: only then is the phenotype ranker needed for a free-text question (it
        then looks for two or more, plurals and excluded ones included)."""
        names = self.names.current() if self.names is not None else None
        if names is None:
            return True
        return any(c["id"].startswith("HP:") for c in names.candidates(question))

    def _phenotype_model(self, ranker: PhenotypeRanker) -> dict[str, Any]:
        return {
            "scorer": f"phenotype-{ranker.scorer}",
            "checkpoint": str(ranker.model_file) if ranker.model_file else None,
        }

    def _evidence(
        self,
        question: str,
        seeds: list[str] | None,
        max_hops: int,
        mode: str,
        threshold: float | None,
        top_k: int | None,
        raw_props: bool,
    ) -> dict[str, Any]:
        if not 1 <= max_hops <= self.model.cfg.hops:
            raise RetrievalError(
                f"max_hops must be between 1 and {self.model.cfg.hops}, got {max_hops}"
            )
        if mode not in MODES:
            raise RetrievalError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        if not question.strip() and not seeds:
            raise RetrievalError("the question is empty and no seeds were given")
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        linked = self.link(question, seeds)
        timings["link"] = _ms(t0)
        t = time.perf_counter()
        qvec = np.asarray(
            self.encoder.encode_query(question or " ".join(s.name for s in linked)),
            dtype=np.float32,
        )
        timings["encode"] = _ms(t)
        names = {s.id: (s.name, s.category) for s in linked}
        hops_out: list[dict[str, Any]] = []
        prev_kept: list[bfs.Triple] = []
        frontier, visited = [s.id for s in linked], {s.id for s in linked}
        walk = cues.CueWalk(
            cues.cue_path(question, [s.name for s in linked], max_hops) if self.use_cues else [],
            visited,
            self.cue_tables,
        )
        timings["bfs"] = timings["score"] = 0.0
        for hop in range(1, max_hops + 1):
            t = time.perf_counter()
            cand = self.blocks.hop(frontier, hop)
            timings["bfs"] += _ms(t)
            t = time.perf_counter()
            scores = self._score(qvec, cand, hop, prev_kept)
            timings["score"] += _ms(t)
            tuned = self.thresholds if mode == "autoregressive" else self.per_hop_thresholds
            cut = threshold if threshold is not None else tuned.get(hop, 0.5)
            keep = (scores >= cut) | walk.step(cand)  # what the question's words ask for too
            order = np.argsort(-scores, kind="stable")
            order = order[keep[order]][: top_k or None]
            kept = [cand.triple(int(i)) for i in order]
            kept_scores = [float(scores[i]) for i in order]
            t = time.perf_counter()
            kept = self._with_props(kept)
            timings["bfs"] += _ms(t)
            hops_out.append(self._hop_json(hop, kept, kept_scores, names, raw_props))
            if mode == "autoregressive":
                frontier = bfs.first_reached(kept, visited)
            else:  # the next hop expands every tail first reached here, kept or not
                for tail, name, cat in cand.tail_labels():
                    names.setdefault(tail, (name or tail, cat or ""))
                frontier = bfs.first_new(cand.tails, visited)
            visited.update(cand.tails)
            prev_kept = kept
            if not frontier:
                break
        timings["total"] = _ms(t0)
        return {
            "question": question,
            "seeds": [
                {
                    "id": s.id,
                    "name": s.name,
                    "category": s.category,
                    "match": s.match,
                    "score": s.score,
                }
                for s in linked
            ],
            "hops": hops_out,
            "paths": _paths(hops_out, {s.id for s in linked}),
            "model": {
                "scorer": self.model.cfg.variant,
                "encoder": self.encoder.encoder_id,
                "checkpoint": str(self.checkpoint),
                "thresholds": self.thresholds if threshold is None else {"all": threshold},
                "mode": mode,
                "relation_cues": walk.followed,
            },
            "timings_ms": {k: round(v, 2) for k, v in timings.items()},
        }

    def _entities(self, ids: list[str]) -> dict[str, linking.EntityRow | None]:
        if self.entities is None:
            return linking.read_entities(self.store, ids)
        return self.entities.get_many(ids, lambda m: linking.read_entities(self.store, m))

    def _with_props(self, kept: list[bfs.Triple]) -> list[bfs.Triple]:
        """The retained triples with their relationship properties (provenance)."""
        if not kept:
            return kept
        keys: list[StatementKey] = []
        for tr in kept:
            subj, rel_type, obj = tr.statement
            keys.append((subj, rel_type, parse_key(tr.rel)[1], obj))
        if self.statements is not None:
            found = self.statements.get_many(keys, self._read_props)
        else:
            found = self._read_props(keys)
        return [replace(tr, props=found[k]) for tr, k in zip(kept, keys, strict=True)]

    def _read_props(self, keys: list[StatementKey]) -> dict[StatementKey, dict[str, Any] | None]:
        rows = [{"subject": s, "type": t, "negated": n, "object": o} for s, t, n, o in keys]
        found: dict[StatementKey, dict[str, Any] | None] = dict.fromkeys(keys)
        for r in self.store.read("retrieval/statement_props", raw=True, rows=rows):
            found[(r["subject"], r["type"], r["negated"], r["object"])] = r["props"]
        return found

    def _score(
        self, qvec: np.ndarray, cand: HopCandidates, hop: int, prev: list[bfs.Triple]
    ) -> np.ndarray:
        """Scores of one hop's candidates: the question's per-relation terms are computed
        once (FrozenHopScorer.hop_terms), then each candidate costs a gather and two dot
        products."""
        if not len(cand):
            return np.zeros(0, dtype=np.float32)
        z = typed = ent = None
        if prev and hop > 1:
            z = self.relation_vectors[[self.rel_pos[p.rel] for p in prev]].mean(0)
            cats = np.bincount(
                [category_index(p.tail_category) for p in prev], minlength=len(CATEGORIES)
            ).astype(np.float32)
            typed = cats / cats.sum()
            ent = self.index.entity_vectors([p.tail for p in prev]).mean(0)
        terms = self.frozen.hop_terms(qvec, hop - 1, z=z, typed=typed, ent_ctx=ent)
        member = None
        if self.model.cfg.head_retained:
            member = cand.heads_in({p.tail for p in prev}) if hop > 1 else np.ones(len(cand))
        if self.tail_tables is not None and self.head_tables is not None:
            logits = terms.logits(
                cand.rel,
                self.head_tables[hop - 1][cand.head_row],
                self.tail_tables[hop - 1][cand.tail_row],
                cand.tail_cat,
                member,
            )
        else:
            logits = terms.logits(cand.rel, member=member)
        return sigmoid(logits)

    def _hop_json(
        self,
        hop: int,
        kept: list[bfs.Triple],
        scores: list[float],
        names: dict[str, tuple[str, str]],
        raw_props: bool = False,
    ) -> dict[str, Any]:
        out = []
        for tr, score in zip(kept, scores, strict=True):
            rel_type, negated, _ = parse_key(tr.rel)
            subj, _, obj = tr.statement
            names.setdefault(tr.tail, (tr.tail_name or tr.tail, tr.tail_category or ""))
            props = tr.props or {}
            out.append(
                {
                    "subject": _node(subj, names),
                    "predicate": props.get("predicate") or rel_type.lower(),
                    "relation": rel_type,
                    "negated": negated,
                    "object": _node(obj, names),
                    "head": tr.head,
                    "tail": tr.tail,
                    "score": round(score, 4),
                    "provenance": provenance(props),
                }
            )
            if raw_props:
                out[-1]["statement_props"] = props
        return {"hop": hop, "triples": out}


def _node(i: str, names: dict[str, tuple[str, str]]) -> dict[str, str]:
    name, cat = names.get(i, (i, ""))
    return {"id": i, "name": name, "category": cat}


def _paths(
    hops: list[dict[str, Any]], seeds: set[str], limit: int = 50
) -> list[list[dict[str, Any]]]:
    """Chains of retained triples from a seed to each retained triple that no retained
    triple of the next hop extends."""
    by_tail: list[dict[str, dict[str, Any]]] = []
    for h in hops:
        tails: dict[str, dict[str, Any]] = {}
        for tr in h["triples"]:
            tails.setdefault(tr["tail"], tr)
        by_tail.append(tails)
    chains: list[list[dict[str, Any]]] = []
    for level, h in enumerate(hops):
        next_heads = (
            {tr["head"] for tr in hops[level + 1]["triples"]} if level + 1 < len(hops) else set()
        )
        for tr in h["triples"]:
            if tr["tail"] in next_heads:
                continue
            chain, ok = [tr], True
            for back in range(level - 1, -1, -1):
                parent = by_tail[back].get(chain[-1]["head"])
                if parent is None:
                    ok = False
                    break
                chain.append(parent)
            if not ok or chain[-1]["head"] not in seeds:
                continue
            chain.reverse()
            chains.append(
                [
                    {
                        "subject": c["subject"]["id"],
                        "predicate": c["predicate"],
                        "object": c["object"]["id"],
                        "hop": n + 1,
                    }
                    for n, c in enumerate(chain)
                ]
            )
            if len(chains) >= limit:
                return chains
    return chains


def _ms(t: float) -> float:
    return (time.perf_counter() - t) * 1000.0
