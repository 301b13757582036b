"""`evigraph qa build`: the multi-hop QA benchmark, sampled from the graph.

Deterministic for a seed: seeds are sampled per template from a sorted list, candidates
come from the same BFS that serves evidence, the answers follow the template's relation
path inside the candidates, and gold y = 1 marks candidate triples on any shortest path
(networkx over the candidate subgraph) from the seed to an answer. Written to
var/qa/<fingerprint>/ with the fingerprint of everything it depends on."""

from __future__ import annotations

import hashlib
import json
import logging
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from graph.repository import GraphStore
from retrieval import bfs
from retrieval.adjacency import Adjacency, check_against_cypher
from retrieval.caff.templates import TEMPLATES, Template
from retrieval.embeddings import graph_version_rows
from retrieval.relations import Relation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class QAConfig:
    n_questions: int = 1500
    seed: int = 13
    max_answers: int = 60
    unseen_fraction: float = 0.1  # of seed entities, kept out of training entirely
    split: tuple[float, float, float] = (0.70, 0.15, 0.15)


@dataclass
class Question:
    id: str
    template: str
    hops: int
    text: str
    seed: str
    seed_name: str
    answers: list[str]
    split: str = "train"
    unseen_seed: bool = False


def follow(path: Sequence[str], hops: list[list[bfs.Triple]], seed: str) -> set[str]:
    """Entities reached from `seed` by taking path[l] at hop l inside the candidates."""
    current = {seed}
    for key, triples in zip(path, hops, strict=False):
        current = {t.tail for t in triples if t.rel == key and t.head in current}
    return current - {seed}


def gold_labels(hops: list[list[bfs.Triple]], seed: str, answers: set[str]) -> list[list[int]]:
    """y per candidate: 1 when the triple lies on a shortest seed -> answer path."""
    g: nx.Graph[str] = nx.Graph()
    g.add_node(seed)
    for triples in hops:
        g.add_edges_from((t.head, t.tail) for t in triples)
    d_seed = nx.single_source_shortest_path_length(g, seed, cutoff=len(hops))
    on_path: set[tuple[str, str]] = set()
    for a in answers:
        if a not in d_seed:
            continue
        d_ans = nx.single_source_shortest_path_length(g, a, cutoff=d_seed[a])
        for triples in hops:
            for t in triples:
                dh, dt = d_seed.get(t.head), d_ans.get(t.tail)
                if dh is not None and dt is not None and dh + 1 + dt == d_seed[a]:
                    on_path.add((t.head, t.tail))
    return [[int((t.head, t.tail) in on_path) for t in triples] for triples in hops]


def _sample_seeds(
    store: GraphStore, tpl: Template, rng: random.Random, n: int
) -> list[dict[str, Any]]:
    rel_type, outgoing = tpl.seed_relation
    name = "retrieval/seeds_by_out_relation" if outgoing else "retrieval/seeds_by_in_relation"
    rows = store.read(name, type=rel_type)
    return rng.sample(rows, min(n, len(rows)))


def _split(q: Question, unseen: set[str], rng: random.Random, cfg: QAConfig) -> None:
    if q.seed in unseen:
        q.unseen_seed = True
        q.split = "test" if rng.random() < 0.5 else "dev"
        return
    # Seen seeds fill the rest so the overall shares stay near cfg.split.
    train, dev, _ = cfg.split
    share = 1.0 - cfg.unseen_fraction
    r = rng.random()
    q.split = "train" if r < train / share else "dev" if r < (train + dev * 0.5) / share else "test"


def build(
    store: GraphStore,
    relations: Sequence[Relation],
    bcfg: bfs.BfsConfig,
    cfg: QAConfig,
    out_root: Path,
) -> Path:
    rel_keys = [r.key for r in relations]
    fp = fingerprint(store, rel_keys, bcfg, cfg)
    folder = out_root / fp
    if (folder / "meta.json").is_file():
        logger.info("QA set %s exists; reusing it", folder)
        return folder
    rng = random.Random(cfg.seed)
    adj = Adjacency(store, rel_keys)
    per_template = -(-cfg.n_questions // len(TEMPLATES))
    questions: list[Question] = []
    rows: dict[str, list[int]] = defaultdict(list)
    entity_ids: dict[str, int] = {}
    relation_ids = {k: i for i, k in enumerate(rel_keys)}
    for tpl in TEMPLATES:
        kept = 0
        for s in _sample_seeds(store, tpl, rng, per_template * 3):
            if kept >= per_template:
                break
            hops = adj.candidates([s["id"]], bcfg)
            answers = follow(tpl.path, hops, s["id"])
            if not answers or len(answers) > cfg.max_answers:
                continue
            labels = gold_labels(hops, s["id"], answers)
            qi = len(questions)
            questions.append(
                Question(
                    f"q{qi:05d}",
                    tpl.name,
                    tpl.hops,
                    wording(tpl, cfg.seed, s["id"]).format(name=s["name"] or s["id"]),
                    s["id"],
                    s["name"] or s["id"],
                    sorted(answers),
                )
            )
            for triples, ys in zip(hops, labels, strict=True):
                for t, y in zip(triples, ys, strict=True):
                    rows["q"].append(qi)
                    rows["hop"].append(t.hop)
                    rows["head"].append(entity_ids.setdefault(t.head, len(entity_ids)))
                    rows["rel"].append(relation_ids[t.rel])
                    rows["tail"].append(entity_ids.setdefault(t.tail, len(entity_ids)))
                    rows["y"].append(y)
            kept += 1
        logger.info("template %s: %d questions", tpl.name, kept)
    seeds = sorted({q.seed for q in questions})
    check_against_cypher(
        adj, store, random.Random(cfg.seed).sample(seeds, min(10, len(seeds))), bcfg
    )
    unseen = set(random.Random(cfg.seed + 1).sample(seeds, int(len(seeds) * cfg.unseen_fraction)))
    split_rng = random.Random(cfg.seed + 2)
    for q in questions:
        _split(q, unseen, split_rng, cfg)
    _write(folder, questions, rows, entity_ids, rel_keys, fp, bcfg, cfg)
    return folder


def wording(tpl: Template, seed: int, entity: str) -> str:
    """One of the template's wordings, drawn per question by its own generator, so the
    questions, answers and splits are the same whatever the wordings."""
    return random.Random(f"{seed}:{tpl.name}:{entity}").choice(tpl.texts)


def fingerprint(store: GraphStore, rel_keys: list[str], bcfg: bfs.BfsConfig, cfg: QAConfig) -> str:
    payload = json.dumps(
        {
            "graph": graph_version_rows(store),
            "relations": rel_keys,
            "bfs": asdict(bcfg),
            "cap_order": bfs.CAP_ORDER,
            "qa": asdict(cfg),
            "templates": [asdict(t) for t in TEMPLATES],
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _write(
    folder: Path,
    questions: list[Question],
    rows: dict[str, list[int]],
    entity_ids: dict[str, int],
    rel_keys: list[str],
    fp: str,
    bcfg: bfs.BfsConfig,
    cfg: QAConfig,
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {k: np.asarray(v, dtype=np.int32) for k, v in rows.items()}
    np.savez_compressed(folder / "triples.npz", **arrays)  # type: ignore[arg-type]
    with (folder / "questions.jsonl").open("w", encoding="utf-8") as fh:
        for q in questions:
            fh.write(json.dumps(asdict(q)) + "\n")
    ents = sorted(entity_ids, key=entity_ids.__getitem__)
    (folder / "entities.json").write_text(json.dumps(ents), encoding="utf-8")
    meta = {
        "fingerprint": fp,
        "relations": rel_keys,
        "bfs": asdict(bcfg),
        "qa": asdict(cfg),
        "stats": stats(questions, arrays, rel_keys),
    }
    (folder / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")


def stats(
    questions: list[Question], arrays: dict[str, np.ndarray], rel_keys: list[str]
) -> dict[str, Any]:
    """Question counts per split and template, positive rates per hop and per relation."""
    split_of = np.asarray([q.split for q in questions])
    out: dict[str, Any] = {
        "questions": dict(Counter(q.split for q in questions)),
        "templates": dict(Counter(q.template for q in questions)),
        "unseen_seed_questions": dict(Counter(q.split for q in questions if q.unseen_seed)),
        "triples": {s: int((split_of[arrays["q"]] == s).sum()) for s in ("train", "dev", "test")},
    }
    y, hop, rel = arrays["y"], arrays["hop"], arrays["rel"]
    out["positive_rate_per_hop"] = {
        int(h): round(float(y[hop == h].mean()), 4) for h in np.unique(hop)
    }
    out["per_relation"] = {
        rel_keys[int(r)]: {
            "n": int((rel == r).sum()),
            "positive_rate": round(float(y[rel == r].mean()), 4),
        }
        for r in np.unique(rel)
    }
    out["positive_rate"] = round(float(y.mean()), 4) if len(y) else 0.0
    return out
