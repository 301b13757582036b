"""The phenotype ranker the evidence service serves: diseases and genes for a patient's
observed and excluded HPO terms, each with the paths that explain it."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from core.exceptions import ModelLoadError
from core.settings import Settings
from graph.repository import GraphStore
from graph.vocabulary import NodeLabel
from retrieval.phenotype.explain import Explainer
from retrieval.phenotype.kb import PhenotypeKB, build_kb, cached_rows, load_rows
from retrieval.phenotype.lr import LRParams, build_index
from retrieval.phenotype.rerank import Reranker
from retrieval.phenotype.resolve import Resolved
from retrieval.phenotype.score import Scores, candidates, features
from retrieval.phenotype.train import LR, N_CANDIDATES, scored

logger = logging.getLogger(__name__)


def model_path(settings: Settings) -> Path:
    return settings.models.phenotype_reranker


def _stamp(path: Path | None) -> tuple[int, int] | None:
    try:
        st = path.stat() if path is not None else None
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size) if st is not None else None


def _load_model(path: Path) -> Reranker | None:
    """The re-ranker at `path`, or None (ranking by information content) with a warning."""
    if not path.is_file():
        logger.warning(
            "no phenotype re-ranker at %s yet (`evigraph phenotype train`, or the training "
            "job); ranking by information content until it appears",
            path,
        )
        return None
    try:
        return Reranker.load(path)
    except ModelLoadError as e:
        logger.warning("%s; ranking by information content only", e)
        return None


# The gene schemes a client may match a gene by, in this order: HGNC first (phenopackets and
# most clinical tools), then the OMIM gene entry and Ensembl. Genes that only HPO's annotations
# name carry no HGNC id in the graph (mim2gene gives their OMIM and Ensembl ids).
GENE_SCHEMES = ("HGNC:", "OMIM:", "ENSEMBL:")


def gene_equivalents(xrefs: list[str]) -> list[str]:
    """A gene's exact mappings in the schemes of GENE_SCHEMES, in that order."""
    return [x for p in GENE_SCHEMES for x in xrefs if x.startswith(p)]


def genes_of_entries(kb: PhenotypeKB) -> dict[int, list[int]]:
    """Entry -> the genes linked to it."""
    out: dict[int, list[int]] = {}
    for g, links in enumerate(kb.gene_diseases):
        for e, _ in links:
            out.setdefault(e, []).append(g)
    return out


def genes_in_order(
    gene_of_entry: dict[int, list[int]], ent: np.ndarray, top_k: int
) -> Iterator[tuple[int, int]]:
    """(gene, position in `ent` of its best-ranked entry) for the first `top_k` genes linked to
    the entries `ent`, best first."""
    seen: set[int] = set()
    for n, e in enumerate(ent.tolist()):
        for g in gene_of_entry.get(e, []):
            if g not in seen:
                seen.add(g)
                yield g, n
                if len(seen) >= top_k:
                    return


class PhenotypeRanker:
    def __init__(
        self,
        kb: PhenotypeKB,
        model: Reranker | None,
        model_file: Path | None,
        watch: Path | None = None,
    ) -> None:
        """`watch`: the re-ranker's file, loaded again by `refresh` when it appears or changes
        (a model trained behind the running API)."""
        self.kb, self.watch = kb, watch
        self.explainer = Explainer(kb)
        self._use(model, model_file)
        self._seen = _stamp(watch)
        self.gene_of_entry = genes_of_entries(kb)

    @classmethod
    def load(
        cls, store: GraphStore, settings: Settings, version: object | None = None
    ) -> PhenotypeRanker:
        """The ranker on the graph's annotations; with the graph's `version`
        (embeddings.graph_version_rows), the rows are read back from <var>/phenotype/rows
        when that version's are there."""
        t = time.perf_counter()
        folder = settings.models.var_dir / "phenotype" / "rows"
        rows = load_rows(store) if version is None else cached_rows(store, folder, version)
        ranker = cls.load_with(build_kb(rows), settings)
        kb = ranker.kb
        logger.info(
            "phenotype ranker: %d diseases, %d terms, %d genes in %.1f s",
            len(kb.ids),
            len(kb.onto),
            len(kb.genes),
            time.perf_counter() - t,
        )
        return ranker

    @classmethod
    def load_with(cls, kb: PhenotypeKB, settings: Settings) -> PhenotypeRanker:
        """A ranker on `kb` with the served re-ranker when one was trained."""
        path = model_path(settings)
        model = _load_model(path)
        return cls(kb, model, path if model else None, watch=path)

    def _use(self, model: Reranker | None, model_file: Path | None) -> None:
        self.model, self.model_file = model, model_file
        self.lr: LR | None = None  # the likelihood-ratio index and constants the model uses
        if model is not None and model.lr is not None:
            self.lr = (build_index(self.kb), LRParams(**model.lr))

    def refresh(self) -> bool:
        """Load the re-ranker again when its file appeared, changed or went since the last
        look (one stat); True when the served model changed."""
        stamp = _stamp(self.watch)
        if self.watch is None or stamp == self._seen:
            return False
        self._seen = stamp
        model = _load_model(self.watch)
        self._use(model, self.watch if model else None)
        logger.info("phenotype ranker: now scoring with %s", self.scorer)
        return True

    @property
    def scorer(self) -> str:
        return "reranker" if self.model is not None else "ic-frequency"

    def scores(
        self, observed: list[int], excluded: list[int]
    ) -> tuple[Scores, np.ndarray, np.ndarray]:
        """(the IC scores, candidate entries best first, their scores)."""
        model, lr = self.model, self.lr  # one model throughout, even if refresh swaps it
        s = scored(
            self.kb,
            np.asarray(observed, dtype=np.int64),
            np.asarray(excluded, dtype=np.int64),
            lr,
        )
        ent = candidates(s, model.candidates if model else N_CANDIDATES)
        if model is not None:
            raw = model.pick(len(excluded) > 0).score(features(self.kb, s, ent))
            p = np.exp(raw - raw.max())
            value = p / p.sum()  # a softmax over the candidates
        else:  # untrained: Resnik, moved by frequencies, excluded terms and NOT annotations
            value = s.resnik[ent] + 0.1 * s.freq[ent] + 0.3 * s.excluded_pen[ent]
            value = value - 0.5 * s.not_hits[ent]
        order = np.argsort(-value, kind="stable")
        return s, ent[order], value[order]

    def rank(self, r: Resolved, top_k: int) -> dict[str, Any]:
        t0 = time.perf_counter()
        s, ent, value = self.scores(r.observed, r.excluded)
        t1 = time.perf_counter()
        onto = self.kb.onto
        explained: dict[int, dict[str, Any]] = {}  # per entry, for this answer only
        diseases = [
            self._entry(s, int(e), float(v), n + 1, explained)
            for n, (e, v) in enumerate(zip(ent[:top_k], value[:top_k], strict=True))
        ]
        genes = self._genes(s, ent, value, top_k, explained)
        return {
            "phenotypes": [
                {"id": onto.ids[t], "name": onto.names[t], "given": r.given.get(t)}
                for t in r.observed
            ],
            "excluded_phenotypes": [
                {"id": onto.ids[t], "name": onto.names[t], "given": r.given.get(t)}
                for t in r.excluded
            ],
            "ranking": diseases,
            "gene_ranking": genes,
            "notes": list(r.notes),
            "scorer": self.scorer,
            "timings_ms": {
                "rank": round((t1 - t0) * 1000, 2),
                "explain": round((time.perf_counter() - t1) * 1000, 2),
            },
        }

    def _entry(
        self, s: Scores, e: int, value: float, rank: int, explained: dict[int, dict[str, Any]]
    ) -> dict[str, Any]:
        kb = self.kb
        return {
            "id": kb.ids[e],
            "name": kb.names[e],
            "category": NodeLabel.DISEASE.category,
            "score": round(value, 6),
            "rank": rank,
            "equivalent_ids": kb.equivalent[e],
            **self._explain(s, e, explained),
        }

    def _explain(self, s: Scores, e: int, explained: dict[int, dict[str, Any]]) -> dict[str, Any]:
        got = explained.get(e)
        if got is None:
            got = explained[e] = self.explainer.entry(s, e)
        return got

    def _genes(
        self,
        s: Scores,
        ent: np.ndarray,
        value: np.ndarray,
        top_k: int,
        explained: dict[int, dict[str, Any]],
    ) -> list[dict[str, Any]]:
        """Genes by the best-ranked disease each causes or is associated with."""
        out: list[dict[str, Any]] = []
        kb = self.kb
        for g, n in genes_in_order(self.gene_of_entry, ent, top_k):
            e = int(ent[n])
            rel = next(t for d, t in kb.gene_diseases[g] if d == e)
            out.append(
                {
                    "id": kb.genes[g],
                    "name": kb.gene_symbols[g],
                    "category": NodeLabel.GENE.category,
                    "score": round(float(value[n]), 6),
                    "rank": len(out) + 1,
                    "equivalent_ids": gene_equivalents(kb.gene_xrefs[g]),
                    "via": {"id": kb.ids[e], "name": kb.names[e], "relation": rel},
                    **self._explain(s, e, explained),
                }
            )
        return out
