"""Retrieval on the fixture graph in the real Neo4j: Cypher BFS against an independent
computation, the embedding cache, and evidence end to end with a freshly trained scorer."""

from __future__ import annotations

import shutil
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.encoders import packaged_encoder_path, resolve_model_dir
from core.exceptions import RetrievalError
from core.settings import ModelSettings, RetrievalSettings, Settings
from extraction import writeback as wb
from graph.repository import GraphStore
from graph.vocabulary import NodeLabel, RelType
from retrieval import bfs, linking
from retrieval.adjacency import Adjacency
from retrieval.caff import pipeline
from retrieval.caff.data import load_qa
from retrieval.caff.evaluate import autoregressive
from retrieval.candidates import BlockReader, HeadBlock
from retrieval.embeddings import build_or_load, graph_version_rows, load_encoder
from retrieval.expansion_cache import VersionedCache
from retrieval.name_index import NameIndex
from retrieval.relations import relation_key
from retrieval.service import EvidenceService, load_relations
from tests.integration.test_ingest_fixtures import _load_all as load_fixture_graph

from .conftest import train_tiny_retrieval

SEED = "ORPHA:558"  # Marfan syndrome


FREQUENCY_TERMS = {
    "HP:0040280": 1.0,
    "HP:0040281": 0.895,
    "HP:0040282": 0.545,
    "HP:0040283": 0.17,
    "HP:0040284": 0.025,
    "HP:0040285": 0.0,
}


def _strength(props: dict[str, Any]) -> tuple[float, int, int]:
    """The sort key of the K_r cap: strongest first (stated frequency, unstated 0.5; then
    the number of sources and of publications)."""
    raw = props.get("orphanet_frequency_hpo")
    freq = FREQUENCY_TERMS.get(raw) if isinstance(raw, str) else None
    value = props.get("hpoa_frequency_value")
    if freq is None:
        freq = value if isinstance(value, float) else 0.5
    pubs = props.get("hpoa_publications") or []
    return (-freq, -len(props.get("sources") or []), -len(pubs))


def _expected_hops(
    store: GraphStore, seed: str, keys: list[str], cfg: bfs.BfsConfig
) -> list[set[tuple[str, str, str]]]:
    """The same BFS computed in Python from a dump of every edge."""
    adj: dict[str, dict[str, list[tuple[Any, ...]]]] = defaultdict(lambda: defaultdict(list))
    for e in store.stream("graph/stream_edges"):
        neg = bool(e["props"].get("negated"))
        strength = _strength(e["props"])
        adj[e["subject"]][relation_key(e["type"], neg, True)].append((*strength, e["object"]))
        adj[e["object"]][relation_key(e["type"], neg, False)].append((*strength, e["subject"]))
    visited, frontier, out = {seed}, [seed], []
    for _ in range(cfg.max_hops):
        triples: list[tuple[str, str, str]] = []
        for h in frontier[: cfg.max_frontier]:
            for rel in sorted(adj[h]):
                if rel in keys:
                    kept = sorted(adj[h][rel])[: cfg.k_per_relation]
                    triples += [(h, rel, x[-1]) for x in kept]
        out.append(set(triples))
        frontier = [t for t in dict.fromkeys(x[2] for x in triples) if t not in visited]
        visited.update(x[2] for x in triples)
    return out


def test_bfs_matches_an_independent_computation_and_honours_k(store: GraphStore) -> None:
    load_fixture_graph(store)
    relations = [
        r.key
        for r in load_relations(store, Settings(retrieval=RetrievalSettings(min_relation_freq=1)))
    ]
    cfg = bfs.BfsConfig(max_hops=3, k_per_relation=3, max_frontier=5)
    got = bfs.candidates(store, [SEED], relations, cfg)
    expected = _expected_hops(store, SEED, relations, cfg)
    assert [{(t.head, t.rel, t.tail) for t in hop} for hop in got] == expected
    assert got[0], "Marfan syndrome has statements in the fixtures"
    replica = Adjacency(store, relations).candidates([SEED], cfg)
    assert [[(t.head, t.rel, t.tail) for t in h] for h in replica] == [
        [(t.head, t.rel, t.tail) for t in h] for h in got
    ]
    per_head_rel: dict[tuple[str, str], int] = defaultdict(int)
    for hop in got:
        for t in hop:
            per_head_rel[(t.head, t.rel)] += 1
    assert max(per_head_rel.values()) <= 3
    assert {t.rel[-1] for hop in got for t in hop} == {">", "<"}  # both directions, recorded


def test_the_cap_keeps_the_strongest_statements_of_a_hub(store: GraphStore) -> None:
    """Marfan syndrome has dozens of phenotypes in the fixtures: with K_r = 5 the kept ones
    are the most frequent (very frequent in Orphanet and hpoa), not the lowest HP ids."""
    load_fixture_graph(store)
    cfg = bfs.BfsConfig(max_hops=1, k_per_relation=5, max_frontier=5)
    (hop,) = bfs.candidates(store, [SEED], ["HAS_PHENOTYPE>"], cfg)
    kept = [t.tail for t in hop]
    strength = {
        e["object"]: _strength(e["props"])
        for e in store.stream("graph/stream_edges")
        if e["subject"] == SEED and e["type"] == "HAS_PHENOTYPE"
    }
    assert len(strength) > 20 and len(kept) == 5
    assert "HP:0001519" in kept  # disproportionate tall stature, very frequent, two sources
    cut = max(strength[t] for t in kept)
    assert all(strength[t] >= cut for t in strength if t not in kept)
    assert kept != sorted(strength)[:5]  # the lowest ids are not what is kept
    replica = Adjacency(store, ["HAS_PHENOTYPE>"]).candidates([SEED], cfg)
    assert [t.tail for t in replica[0]] == kept


def test_rare_relations_are_left_out(store: GraphStore) -> None:
    load_fixture_graph(store)
    loose = load_relations(store, Settings(retrieval=RetrievalSettings(min_relation_freq=1)))
    strict = load_relations(store, Settings(retrieval=RetrievalSettings(min_relation_freq=10**6)))
    assert loose and strict == []


def test_embedding_cache_is_reused_and_keyed_by_encoder(store: GraphStore, tmp_path: Path) -> None:
    load_fixture_graph(store)
    relations = load_relations(store, Settings(retrieval=RetrievalSettings(min_relation_freq=1)))
    models = ModelSettings(var_dir=tmp_path)
    enc = load_encoder(resolve_model_dir(None), models)
    first = build_or_load(store, enc, relations, tmp_path)
    stamp = (first.folder / "entities.faiss").stat().st_mtime_ns
    again = build_or_load(store, enc, relations, tmp_path)
    assert (
        again.folder == first.folder
        and (again.folder / "entities.faiss").stat().st_mtime_ns == stamp
    )
    copy = tmp_path / "other-encoder"
    shutil.copytree(packaged_encoder_path(), copy)
    other = build_or_load(store, load_encoder(resolve_model_dir(copy), models), relations, tmp_path)
    assert other.folder != first.folder  # a different encoder never reuses the cache
    assert len(first.ids) == int(store.stats()["nodes"]["Entity"])


def test_cached_head_blocks_equal_cypher_and_follow_graph_writes(store: GraphStore) -> None:
    load_fixture_graph(store)
    relations = [r.key for r in load_relations(store, Settings())] + ["CAUSES_ADVERSE_EVENT<"]
    cfg = bfs.BfsConfig(max_hops=3, k_per_relation=3, max_frontier=5)
    plain = bfs.candidates(store, [SEED], relations, cfg)
    ids = sorted({SEED, "HP:0001166"} | {t.tail for hop in plain for t in hop})
    position = {i: n for n, i in enumerate(ids)}

    def rows_of(some: Sequence[str]) -> np.ndarray:
        return np.asarray([position.get(i, len(ids)) for i in some], dtype=np.int64)

    def reader(check_s: float) -> BlockReader:
        cache: VersionedCache[str, HeadBlock] = VersionedCache(
            1000, lambda: graph_version_rows(store), check_s
        )
        return BlockReader(store, relations, cfg, rows_of, cache)

    def walk(r: BlockReader) -> list[list[bfs.Triple]]:
        visited, frontier, hops = {SEED}, [SEED], []
        for hop in range(1, cfg.max_hops + 1):
            triples = r.hop(frontier, hop).triples()
            hops.append(triples)
            frontier = bfs.first_reached(triples, visited)
            visited.update(t.tail for t in triples)
        return hops

    fresh, stale = reader(0), reader(3600)
    for r in (fresh, stale):
        assert r.cache is not None
        assert walk(r) == plain
        misses = r.cache.misses
        assert walk(r) == plain
        assert r.cache.misses == misses and r.cache.hits >= misses  # the second walk read nothing

    def tails(r: BlockReader) -> set[str]:
        return set(r.hop(["HP:0001166"], 1).tails)

    assert "DRUG:testdrug" not in tails(fresh) | tails(stale)  # both caches hold the entity
    # an extraction run adds a statement to Arachnodactyly: the graph version changes
    drug = wb.Node("DRUG:testdrug", NodeLabel.DRUG, "testdrug", "biolink:Drug")
    pheno = wb.Node("HP:0001166", NodeLabel.PHENOTYPIC_FEATURE, "Arachnodactyly", "x")
    text = "Arachnodactyly after testdrug."
    ev = wb.Evidence("PMID:1", text, subject_span=(20, 28), object_span=(0, 14))
    st = wb.Statement(drug, RelType.CAUSES_ADVERSE_EVENT, "biolink:causes", pheno, 0.9, ev)
    wb.write_statements(store, wb.ModelInfo("ade", "m", "1", "e"), [st], inputs={})

    assert "DRUG:testdrug" in tails(fresh)  # re-read after the version changed
    assert "DRUG:testdrug" not in tails(stale)  # within check_s the cached blocks are served
    assert fresh.cache is not None and stale.cache is not None
    assert fresh.cache.invalidations == 1 and stale.cache.invalidations == 0


def test_name_dictionary_links_as_the_fulltext_index_does(store: GraphStore) -> None:
    load_fixture_graph(store)
    names = NameIndex(store.stream("retrieval/stream_entity_names"), linking.STOPWORDS)
    named = sorted((e, n) for e, (n, _, _) in names.entities.items() if n)
    assert len(named) > 40
    questions = [
        "What are the phenotypic features of Marfan syndrome?",
        "Which diseases present with arachnodactyly and disproportionate tall stature?",
        "What was the cause of ORPHA:558?",
        *[f"Which genes are linked to {n}?" for _, n in named[::10]],
    ]
    for q in questions:
        by_index = linking.link_lexical(store, q)
        by_names = linking.link_lexical(store, q, names=names)
        assert by_index, q
        assert [(s.id, s.match, s.mention) for s in by_names] == [
            (s.id, s.match, s.mention) for s in by_index
        ], q


def test_service_names_follow_a_graph_write(service: EvidenceService) -> None:
    assert service.names is not None and service.names.stats()["builds"] == 1
    question = "What does testdrug cause?"
    assert linking.link_lexical(service.store, question, names=service.names.current()) == []
    drug = wb.Node("DRUG:testdrug", NodeLabel.DRUG, "testdrug", "biolink:Drug")
    pheno = wb.Node("HP:0001166", NodeLabel.PHENOTYPIC_FEATURE, "Arachnodactyly", "x")
    ev = wb.Evidence("PMID:1", "Arachnodactyly after testdrug.", (20, 28), (0, 14))
    st = wb.Statement(drug, RelType.CAUSES_ADVERSE_EVENT, "biolink:causes", pheno, 0.9, ev)
    wb.write_statements(service.store, wb.ModelInfo("ade", "m", "1", "e"), [st], inputs={})
    service.version.check_s = 0
    # Linked at once (by the fulltext index while the dictionary is rebuilt, then by it).
    assert service.link(question, None)[0].id == "DRUG:testdrug"
    for _ in range(500):
        if service.names.current() is not None:
            break
        time.sleep(0.02)
    assert service.names.stats()["builds"] == 2
    assert [s.id for s in service.link(question, None)] == ["DRUG:testdrug"]


@pytest.fixture
def service(store: GraphStore, tmp_path: Path) -> EvidenceService:
    load_fixture_graph(store)
    return EvidenceService.load(store, train_tiny_retrieval(store, tmp_path))


def test_evidence_links_by_name_and_returns_provenance(service: EvidenceService) -> None:
    out = service.evidence(
        "What are the phenotypic features of Marfan syndrome?", threshold=0.0, top_k=5
    )
    # Orphanet and OMIM both name an entity "Marfan syndrome": both are exact seeds.
    assert SEED in {s["id"] for s in out["seeds"]}
    assert {s["match"] for s in out["seeds"]} == {"exact"}
    first = out["hops"][0]["triples"]
    assert 0 < len(first) <= 5
    assert {t["head"] for t in first} <= {s["id"] for s in out["seeds"]}
    prov = first[0]["provenance"]
    assert prov["primary_knowledge_source"] and prov["sources"][0]["run"]
    assert out["model"]["scorer"] == "caff_entity" and out["timings_ms"]["total"] > 0
    assert out["paths"] and out["paths"][0][0]["hop"] == 1


def test_evidence_bad_input_is_a_typed_error(service: EvidenceService) -> None:
    with pytest.raises(RetrievalError, match="unknown seed CURIE"):
        service.evidence("anything", seeds=["ORPHA:999999999"])
    with pytest.raises(RetrievalError, match="max_hops must be between 1 and 3"):
        service.evidence("Marfan syndrome", max_hops=4)
    with pytest.raises(RetrievalError, match="links to no entity"):
        service.evidence("zzzz qqqq xxxx")
    with pytest.raises(RetrievalError, match="mode must be one of"):
        service.evidence("Marfan syndrome", mode="sideways")


def test_service_retains_and_scores_as_the_evaluation(
    service: EvidenceService, tmp_path: Path
) -> None:
    """The served path (Cypher hops, one question's HopTerms, the retained-head flag of the
    previous hop's kept triples) keeps the same triples with the same scores as the
    autoregressive evaluation of the same checkpoint on the QA set's stored candidates."""
    assert service.model.cfg.head_retained and service.model.cfg.entity_aware
    service.use_cues = False  # the scorer alone: relation cues would add the questions' paths
    data = load_qa(next((tmp_path / "qa").iterdir()))
    feats = pipeline.features(data, service.encoder, service.index)
    qids = [i for i, q in enumerate(data.questions) if q["hops"] >= 2]
    compared = deeper = 0
    for qid in qids:
        lo = data.offsets[qid]
        # Cuts between two of the question's scores, lowest first, so that deeper hops keep
        # something; a cut within 1e-3 of a reached score is skipped (the ONNX question vector
        # may move a score by that much).
        pool = np.unique(
            autoregressive(service.model, data, feats, [qid], dict.fromkeys((1, 2, 3), 0.0))[0]
        )
        gaps = np.diff(pool)
        cuts = (pool[:-1] + gaps / 2)[gaps > 2e-3]
        for cut in cuts[:8].tolist():
            scores, kept, _ = autoregressive(
                service.model, data, feats, [qid], dict.fromkeys((1, 2, 3), cut)
            )
            if not np.any(np.abs(scores[scores > 0] - cut) < 1e-3):
                break
        else:
            continue
        expected = {
            (
                int(data.hop[lo + i]),
                data.entities[data.head[lo + i]],
                data.relations[data.rel[lo + i]],
                data.entities[data.tail[lo + i]],
            ): float(scores[i])
            for i in np.flatnonzero(kept)
        }
        q = data.questions[qid]
        out = service.evidence(q["text"], seeds=[q["seed"]], threshold=cut)
        served = {}
        for h in out["hops"]:
            for t in h["triples"]:
                forward = t["head"] == t["subject"]["id"]
                key = relation_key(t["relation"], t["negated"], forward)
                served[(h["hop"], t["head"], key, t["tail"])] = t["score"]
        assert served.keys() == expected.keys(), q["text"]
        for k, v in expected.items():
            assert served[k] == pytest.approx(v, abs=1e-3)
        compared += 1
        deeper += any(k[0] > 1 for k in expected)
    assert compared >= 3 and deeper >= 1


def test_relation_cues_keep_the_path_a_question_spells_out(service: EvidenceService) -> None:
    """With a threshold nothing reaches, the scorer keeps nothing; the cues still keep the
    genes of the seed, then the other diseases those genes cause."""
    q = "Which other diseases share a gene with Marfan syndrome?"
    out = service.evidence(q, threshold=1.0, max_hops=2)
    assert out["model"]["relation_cues"] == ["gene", "disease"]
    hop1, hop2 = (h["triples"] for h in out["hops"])
    seeds = {s["id"] for s in out["seeds"]}
    assert hop1 and all(t["head"] in seeds and t["tail"].startswith("NCBIGene:") for t in hop1)
    genes = {t["tail"] for t in hop1}
    assert hop2 and all(t["head"] in genes for t in hop2)
    assert all(
        t["tail"].split(":")[0] in {"ORPHA", "OMIM"} and t["tail"] not in seeds for t in hop2
    )
    service.use_cues = False
    off = service.evidence(q, threshold=1.0, max_hops=2)
    assert off["model"]["relation_cues"] == [] and not any(h["triples"] for h in off["hops"])


def test_relation_counts_are_cached_per_graph_version(store: GraphStore, tmp_path: Path) -> None:
    """load_relations reads its counts back from <var>/relations while the graph version holds,
    and counts again once a run changes it."""
    import json

    load_fixture_graph(store)
    settings = Settings(
        neo4j=store.cfg,
        models=ModelSettings(var_dir=tmp_path),
        retrieval=RetrievalSettings(min_relation_freq=1),
    )
    first = load_relations(store, settings)
    (cached,) = (tmp_path / "relations").glob("*.json")
    rows = json.loads(cached.read_text())
    dropped = rows[0]["type"]
    cached.write_text(json.dumps([{**r, "count": 0} if r == rows[0] else r for r in rows]))
    # the edited file is what is read: its zero count drops that relation's two directions
    assert len(load_relations(store, settings)) == len(first) - 2
    drug = wb.Node("DRUG:testdrug", NodeLabel.DRUG, "testdrug", "biolink:Drug")
    pheno = wb.Node("HP:0001166", NodeLabel.PHENOTYPIC_FEATURE, "Arachnodactyly", "x")
    ev = wb.Evidence("PMID:1", "Arachnodactyly after testdrug.", (20, 28), (0, 14))
    st = wb.Statement(drug, RelType.CAUSES_ADVERSE_EVENT, "biolink:causes", pheno, 0.9, ev)
    wb.write_statements(store, wb.ModelInfo("ade", "m", "1", "e"), [st], inputs={})
    recounted = {r.type for r in load_relations(store, settings)}
    assert len(list((tmp_path / "relations").glob("*.json"))) == 2
    assert {dropped, "CAUSES_ADVERSE_EVENT"} <= recounted
