"""The phenotype knowledge the ranker scores against, as arrays: diseases (ORPHA and OMIM
merged where Orphanet states an exact mapping), their annotations with frequencies and
provenance, the inverted annotation closure per HPO term, information content, genes.

Built once per process from graph rows (`load_rows` reads them through GraphStore)."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from graph.repository import GraphStore
from graph.vocabulary import HPO_FREQUENCY_TERMS
from retrieval.disk_cache import read_json, version_key, write_atomic
from retrieval.phenotype.ontology import PHENOTYPIC_ABNORMALITY, Ontology, build_ontology

logger = logging.getLogger(__name__)
Rows = list[dict[str, Any]]
QUERIES = (
    "phenotype_terms",
    "phenotype_subclass",
    "phenotype_annotations",
    "phenotype_diseases",
    "disease_exact_matches",
    "gene_disease_edges",
)
FREQUENCY_TERMS = HPO_FREQUENCY_TERMS  # Orphanet states its frequencies with HPO's terms
UNKNOWN_FREQUENCY = 0.5  # an annotation that states no frequency
# A term whose annotation closure holds at least this many entries keeps dense match rows
# (about 400 terms of the full graph, 34 MB): a patient term's rows are then the max of its
# general ancestors' rows and a few hundred entries of its specific ones, instead of a walk
# over some 40,000 (ancestor, entry) pairs.
DENSE_MIN_ENTRIES = 500


@dataclass
class Annotation:
    term: int
    frequency: float | None  # None: not stated
    negated: bool
    source_id: str  # the disease id the statement is about (ORPHA or OMIM of a merged entry)
    sources: tuple[str, ...]
    publications: tuple[str, ...]


@dataclass
class PhenotypeKB:
    onto: Ontology
    ids: list[str]  # one per merged disease entry
    names: list[str]
    equivalent: list[list[str]]  # the other ids of each entry
    member: dict[str, int]  # every disease id -> its entry
    annotations: list[list[Annotation]]  # positive ones per entry
    ic: np.ndarray  # (T,) information content of each term over the entries
    term_ptr: np.ndarray  # (T + 1,) CSR over term_dis / term_freq
    term_dis: np.ndarray  # entries whose annotation closure holds the term, sorted
    term_freq: np.ndarray  # the highest frequency among those annotations (unknown: 0.5)
    negated: dict[int, np.ndarray]  # term -> entries annotated NOT (or frequency excluded)
    n_annotations: np.ndarray  # (D,) positive annotations per entry
    genes: list[str]
    gene_symbols: list[str]
    gene_xrefs: list[list[str]]
    gene_diseases: list[list[tuple[int, str]]]  # per gene: (entry, relationship type)

    def __post_init__(self) -> None:
        # Flat per-annotation arrays, entry by entry (ann_ptr: CSR over entries), for the
        # vectorised coverage of candidates.
        counts = np.asarray([len(a) for a in self.annotations], dtype=np.int64)
        self.ann_ptr = np.zeros(len(counts) + 1, dtype=np.int64)
        self.ann_ptr[1:] = np.cumsum(counts)
        flat = [a for anns in self.annotations for a in anns]
        self.ann_term = np.asarray([a.term for a in flat], dtype=np.int64)
        self.ann_weight = np.asarray(
            [UNKNOWN_FREQUENCY if a.frequency is None else a.frequency for a in flat],
            dtype=np.float32,
        )
        # Every annotation's ancestors (itself included), annotation by annotation, and a CSR
        # over entries into them (ent_up_ptr), for the coverage of candidates.
        starts = self.onto.anc_ptr[self.ann_term]
        self.ann_up_len = self.onto.anc_ptr[self.ann_term + 1] - starts
        self.ann_up = self.onto.anc_idx[spans(starts, starts + self.ann_up_len)]
        up_ptr = np.zeros(len(self.ann_term) + 1, dtype=np.int64)
        up_ptr[1:] = np.cumsum(self.ann_up_len)
        self.ent_up_ptr = up_ptr[self.ann_ptr]
        self.prior = entry_prior(self)
        self.log_freq = np.log(np.maximum(self.term_freq, 1e-3)).astype(np.float32)
        self._dense_rows()
        self._under: dict[int, dict[int, Annotation]] = {}
        self._ranked: dict[int, list[int]] = {}

    def best_under(self, e: int) -> dict[int, Annotation]:
        """term -> entry e's annotation at or below it with the highest frequency (then IC);
        computed once per entry, kept for the most recently asked 4096."""
        got = self._under.get(e)
        if got is not None:
            return got
        got = {}
        order = sorted(
            self.annotations[e],
            key=lambda a: (
                UNKNOWN_FREQUENCY if a.frequency is None else a.frequency,
                float(self.ic[a.term]),
                -a.term,
            ),
        )
        for a in order:  # increasing strength: the last write per term is the best
            for u in self.onto.ancestors(a.term).tolist():
                got[u] = a
        if len(self._under) >= 4096:
            self._under.clear()
        self._under[e] = got
        return got

    def ranked_ancestors(self, q: int) -> list[int]:
        """q's ancestors (itself included), most informative first, then most specific."""
        got = self._ranked.get(q)
        if got is None:
            anc = self.onto.ancestors(q)
            depth = self.onto.anc_ptr[anc + 1] - self.onto.anc_ptr[anc]
            got = self._ranked[q] = anc[np.lexsort((-depth, -self.ic[anc]))].tolist()
        return got

    def term_entries(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        s = slice(self.term_ptr[t], self.term_ptr[t + 1])
        return self.term_dis[s], self.term_freq[s]

    def match_rows(self, q: int, best: np.ndarray, fmatch: np.ndarray) -> None:
        """Into `best` and `fmatch` ((D,) zeros): for every entry, the IC of the most
        informative common ancestor a of q and its annotations (Resnik best match), and
        max(0, IC(a) + log f(a, entry)) over q's ancestors a, f the highest frequency among
        the entry's annotations under a."""
        anc = self.onto.ancestors(q)
        slots = self.dense_slot[anc]
        for k in slots[slots >= 0].tolist():  # each general ancestor's rows: its own ancestors
            np.maximum(best, self.dense_best[k], out=best)
            np.maximum(fmatch, self.dense_fmatch[k], out=fmatch)
        for a in anc[slots < 0].tolist():
            self._add_match(a, best, fmatch)

    def best_ic_on(self, terms: np.ndarray, entries: np.ndarray) -> np.ndarray:
        """(len(terms), len(entries)) the Resnik best match of each term against each of
        `entries` (match_rows' `best`, computed on those entries only, in a few vector ops)."""
        out = np.zeros((len(terms), len(entries)), dtype=np.float32)
        if not len(terms) or not len(entries):
            return out
        starts = self.onto.anc_ptr[terms]
        lens = self.onto.anc_ptr[terms + 1] - starts
        anc = self.onto.anc_idx[spans(starts, starts + lens)]
        row = np.repeat(np.arange(len(terms)), lens)
        slot = self.dense_slot[anc]
        dense = slot >= 0
        if dense.any():  # general ancestors: their rows, gathered on the entries
            rows, first = np.unique(row[dense], return_index=True)  # row is sorted
            got = self.dense_best[slot[dense][:, None], entries[None, :]]
            out[rows] = np.maximum.reduceat(got, first, axis=0)
        anc, row = anc[~dense], row[~dense]
        keep = self.ic[anc] > 0.0
        anc, row = anc[keep], row[keep]
        size = self.term_ptr[anc + 1] - self.term_ptr[anc]
        hit = self.term_dis[spans(self.term_ptr[anc], self.term_ptr[anc + 1])]
        pos = np.full(len(self.ids), -1, dtype=np.int64)
        pos[entries] = np.arange(len(entries))
        col = pos[hit]
        on = col >= 0
        key = (np.repeat(row, size) * len(entries) + col)[on]
        ic = np.repeat(self.ic[anc], size)[on]
        order = np.argsort(ic, kind="stable")  # ascending: the last write per cell is its max
        flat = np.zeros(out.size, dtype=np.float32)
        flat[key[order]] = ic[order]
        np.maximum(out, flat.reshape(out.shape), out=out)
        return out

    def _add_match(self, a: int, best: np.ndarray, fmatch: np.ndarray) -> None:
        ic = self.ic[a]
        if ic <= 0.0:
            return
        s = slice(self.term_ptr[a], self.term_ptr[a + 1])
        dis = self.term_dis[s]
        best[dis] = np.maximum(best[dis], ic)
        fmatch[dis] = np.maximum(fmatch[dis], ic + self.log_freq[s])

    def _dense_rows(self) -> None:
        general = np.flatnonzero(np.diff(self.term_ptr) >= DENSE_MIN_ENTRIES)
        self.dense_slot = np.full(len(self.onto), -1, dtype=np.int64)
        self.dense_slot[general] = np.arange(len(general))
        self.dense_best = np.zeros((len(general), len(self.ids)), dtype=np.float32)
        self.dense_fmatch = np.zeros_like(self.dense_best)
        for k, t in enumerate(general.tolist()):
            for a in self.onto.ancestors(t).tolist():
                self._add_match(a, self.dense_best[k], self.dense_fmatch[k])


def spans(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The indices of the ranges [starts[i], ends[i]), concatenated."""
    lens = ends - starts
    return np.repeat(starts - np.cumsum(lens) + lens, lens) + np.arange(lens.sum())


PRIOR_FEATURES = (
    "log_publications",  # log(1 + distinct publications its annotations cite)
    "n_sources",  # sources that annotate it (hpoa, orphanet)
)
# Left out on purpose: which schemes name an entry (ORPHA, OMIM). In cross-validation an
# "OMIM names it" flag gained 0.002 top-1 and took a large weight, because every case of
# phenopacket-store is diagnosed with an OMIM id: a bias of the cases, not of patients.


def entry_prior(kb: PhenotypeKB) -> np.ndarray:
    """(D, len(PRIOR_FEATURES)) what the graph says of each entry regardless of the patient:
    how much literature its annotations cite and which sources annotate it (a prior the
    re-ranker weighs: the same match to a well-studied disease is likelier)."""
    out = np.zeros((len(kb.ids), len(PRIOR_FEATURES)), dtype=np.float32)
    for e, anns in enumerate(kb.annotations):
        out[e] = (
            np.log1p(len({p for a in anns for p in a.publications})),
            len({s for a in anns for s in a.sources}),
        )
    return out


def load_rows(store: GraphStore) -> dict[str, Rows]:
    rows: dict[str, Rows] = {}
    for name in QUERIES:
        t = time.perf_counter()
        rows[name] = store.read(f"retrieval/{name}", raw=True)
        logger.info("%s: %d rows in %.1f s", name, len(rows[name]), time.perf_counter() - t)
    return rows


def cached_rows(store: GraphStore, folder: Path, version: object) -> dict[str, Rows]:
    """`load_rows`, kept in `folder` for graph `version` (one file; those of other versions
    are removed): a restart reads them back in about a second instead of ~10 s of Cypher."""
    path = folder / f"{version_key(version)}.json"
    got = read_json(path)
    if isinstance(got, dict) and set(QUERIES) <= set(got):
        return got
    rows = load_rows(store)
    try:
        data = orjson.dumps(rows)
    except TypeError as e:  # a value JSON cannot hold: serve the rows, cache nothing
        logger.warning("phenotype rows not cached: %s", e)
        return rows
    for old in folder.glob("*.json"):
        old.unlink(missing_ok=True)
    write_atomic(path, data)
    return rows


def build_kb(rows: dict[str, Rows]) -> PhenotypeKB:
    onto = build_ontology(rows["phenotype_terms"], rows["phenotype_subclass"])
    names = {r["id"]: r.get("name") or r["id"] for r in rows["phenotype_diseases"]}
    groups = _merge_exact(rows["disease_exact_matches"], set(names))
    ids, equivalent, member = [], [], {}
    for g in groups:
        ids.append(g[0])
        equivalent.append(g[1:])
        for i in g:
            member[i] = len(ids) - 1
    pos, neg = _annotations(onto, rows["phenotype_annotations"], member, len(ids))
    kb_names = [names.get(i, i) for i in ids]
    ptr, dis, freq, ic = _inverted_closure(onto, pos, len(ids))
    negated = {t: np.unique(np.asarray(d, dtype=np.int32)) for t, d in neg.items()}
    n_ann = np.asarray([len(a) for a in pos], dtype=np.float32)
    genes, symbols, xrefs, links = _genes(rows["gene_disease_edges"], member)
    return PhenotypeKB(
        onto,
        ids,
        kb_names,
        equivalent,
        member,
        pos,
        ic,
        ptr,
        dis,
        freq,
        negated,
        n_ann,
        genes,
        symbols,
        xrefs,
        links,
    )


def _merge_exact(rows: Rows, annotated: set[str]) -> list[list[str]]:
    """Groups of disease ids, the OMIM id first where there is one. An ORPHA and an OMIM id
    are merged when Orphanet states an exact mapping and neither maps exactly elsewhere."""
    partners: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if str(r.get("relation") or "E").startswith("E"):
            partners[r["subject"]].add(r["object"])
            partners[r["object"]].add(r["subject"])
    seen: set[str] = set()
    groups: list[list[str]] = []
    for d in sorted(annotated):
        if d in seen:
            continue
        group = [d]
        mates = partners.get(d, set())
        if len(mates) == 1:
            (m,) = mates
            if len(partners[m]) == 1 and m not in seen:
                group.append(m)
        group.sort(key=lambda i: (not i.startswith("OMIM:"), i))
        seen.update(group)
        groups.append(group)
    return groups


def frequency_of(row: dict[str, Any]) -> float | None:
    """Orphanet's frequency term, else hpoa's value; the mean where merged statements carry
    several; None where none is stated."""
    orpha = [
        FREQUENCY_TERMS[v] for v in _listed(row.get("orphanet_frequency")) if v in FREQUENCY_TERMS
    ]
    if orpha:
        return float(np.mean(orpha))
    values = [float(v) for v in _listed(row.get("hpoa_frequency"))]
    return float(np.mean(values)) if values else None


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _annotations(
    onto: Ontology, rows: Iterable[dict[str, Any]], member: dict[str, int], n: int
) -> tuple[list[list[Annotation]], dict[int, list[int]]]:
    top = onto.index.get(PHENOTYPIC_ABNORMALITY)
    pos: list[list[Annotation]] = [[] for _ in range(n)]
    neg: dict[int, list[int]] = defaultdict(list)
    for r in rows:
        e = member.get(r["disease"])
        tid = r["term"]
        if tid not in onto.index and tid in onto.redirect:
            tid = onto.redirect[tid][0]
        t = onto.index.get(tid)
        if e is None or t is None or (top is not None and top not in onto.ancestors(t)):
            continue
        f = frequency_of(r)
        if r.get("negated") or f == 0.0:
            neg[t].append(e)
            continue
        pos[e].append(
            Annotation(
                t,
                f,
                False,
                r["disease"],
                tuple(r.get("sources") or ()),
                tuple(r.get("publications") or ()),
            )
        )
    return pos, neg


def _inverted_closure(
    onto: Ontology, pos: list[list[Annotation]], n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For each term, the entries having it or a descendant annotated, with the highest
    frequency among those annotations; and each term's information content."""
    d = np.asarray([e for e, anns in enumerate(pos) for _ in anns], dtype=np.int64)
    t = np.asarray([a.term for anns in pos for a in anns], dtype=np.int64)
    f = np.asarray(
        [UNKNOWN_FREQUENCY if a.frequency is None else a.frequency for anns in pos for a in anns],
        dtype=np.float32,
    )
    lens = onto.anc_ptr[t + 1] - onto.anc_ptr[t]
    starts = np.repeat(onto.anc_ptr[t] - np.cumsum(lens) + lens, lens) + np.arange(lens.sum())
    up = onto.anc_idx[starts].astype(np.int64)  # every (annotation, ancestor) pair
    key = up * n + np.repeat(d, lens)
    fr = np.repeat(f, lens)
    order = np.lexsort((-fr, key))
    key, fr = key[order], fr[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    key, fr = key[first], fr[first]  # one pair per (term, entry), its highest frequency
    terms = key // n
    counts = np.bincount(terms, minlength=len(onto)).astype(np.int64)
    ptr = np.zeros(len(onto) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(counts)
    ic = np.full(len(onto), np.log(max(n, 1)), dtype=np.float32)
    seen = counts > 0
    ic[seen] = -np.log(counts[seen] / max(n, 1))
    return ptr, (key % n).astype(np.int32), fr.astype(np.float32), ic


def _genes(
    rows: Rows, member: dict[str, int]
) -> tuple[list[str], list[str], list[list[str]], list[list[tuple[int, str]]]]:
    index: dict[str, int] = {}
    symbols: list[str] = []
    xrefs: list[list[str]] = []
    links: list[list[tuple[int, str]]] = []
    for r in sorted(rows, key=lambda r: (r["gene"], r["disease"], r["type"])):
        e = member.get(r["disease"])
        if e is None:
            continue
        g = index.setdefault(r["gene"], len(index))
        if g == len(symbols):
            symbols.append(r.get("symbol") or r["gene"])
            xrefs.append(list(r.get("xrefs") or []))
            links.append([])
        if all(x != e for x, _ in links[g]):
            links[g].append((e, r["type"]))
    return list(index), symbols, xrefs, links
