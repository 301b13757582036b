"""`extract literature` end to end: abstracts per second with ADE, `--engine local` and
`--engine ray` side by side on the same files, Ray's start-up and overhead apart; write-back
statements per second from shards into Neo4j; a projection for PubMed (36M abstracts).

    EVIGRAPH_NEO4J__BOLT_PORT=7694 ... .venv/bin/python -m bench.literature \\
        [--files ../shared/data/pubmed/medline16n0902.xml.gz] [--ray-workers 2] \\
        [--write-statements 50000] [--no-neo4j]

Models: the served ADE pipeline when <var>/ade holds a trained pair model (copied to a
temporary folder first, so the bench never writes into <var>); otherwise the speed stand-in:
the real dictionary tagger (<var>/ade/dictionary.json) and the marker architecture on the
packaged MiniLM encoder with an untrained head (the same compute per candidate pair as the
served marker model; its statements mean nothing), HPO linking by exact names only.
Write-back: the local run's statement rows, copied under new document ids until there are
`--write-statements`, loaded through loader.load_rows in shards of `--shard-statements`, into
the Neo4j of the settings (use a test server: the run is retracted afterwards). Prints JSON."""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import platform
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from core.settings import Settings, get_settings
from extraction.literature import engines
from extraction.literature.extractors import AdeExtractor, Extractor, trained
from extraction.literature.job import LiteratureJob

PUBMED_2025 = 36_000_000


def served_or_standin(settings: Settings, tmp: Path) -> tuple[list[Extractor], str]:
    from extraction.ade.service import AdeService, ade_dir

    if "ade" in trained(settings):
        copy = tmp / "ade"
        shutil.copytree(ade_dir(settings), copy)
        ade = settings.ade.model_copy(update={"checkpoint_dir": copy})
        cfg = settings.model_copy(update={"ade": ade})
        return [AdeExtractor(AdeService.from_settings(cfg))], "served ADE pipeline"
    return [AdeExtractor(standin(settings))], (
        "stand-in: real dictionary tagger + untrained marker head on MiniLM (no ADE model "
        "trained yet)"
    )


def standin(settings: Settings) -> Any:
    from core.encoders import resolve_model_dir
    from extraction.ade.checkpoint import new_bundle
    from extraction.ade.dictionary import DictionaryTagger
    from extraction.ade.linking import HpoLinker
    from extraction.ade.service import DICTIONARY, AdeService, ade_dir
    from graph.hpo_terms import terms_from_obo

    torch.manual_seed(0)
    pair = new_bundle(resolve_model_dir(None), "single", "attention", 64, context_chars=25)
    pair.threshold = 0.5
    tagger = DictionaryTagger.load(ade_dir(settings) / DICTIONARY)
    return AdeService(pair, tagger, HpoLinker(terms_from_obo(), None))


def run_engine(
    ex: list[Extractor],
    engine: engines.Engine,
    files: list[Path],
    out: Path,
    window: int,
    batch: int,
) -> dict[str, Any]:
    t0 = time.perf_counter()
    s = LiteratureJob(ex, engine, None, out, batch, window).run(files)
    el = time.perf_counter() - t0
    return {
        "documents": s.documents,
        "statements": s.statements,
        "seconds": round(el, 2),
        "abstracts_per_s": round(s.documents / el, 2),
        "folder": s.folder,
    }


def _copies(rows: list[dict[str, Any]], want: int) -> list[dict[str, Any]]:
    """The rows again under new document and node ids (so new evidence ids, and no drug-event
    pair denser than in the run itself) until there are `want` statements."""
    out: list[dict[str, Any]] = []
    k = 0
    while sum(len(r["edges"]) for r in out) < want:
        k += 1
        out += [_copy(r, k) for r in rows]
    return out


def _copy(r: dict[str, Any], k: int) -> dict[str, Any]:
    doc, tag = f"{r['document_id']}#copy{k}", f"#copy{k}"
    edges = [
        {
            **e,
            "subject": e["subject"] + tag,
            "object": e["object"] + tag,
            "evidence_id": hashlib.sha256(f"{e['evidence_id']}{k}".encode()).hexdigest()[:32],
            "props": {**e["props"], "document_id": doc},
        }
        for e in r["edges"]
    ]
    nodes = [{**n, "id": n["id"] + tag} for n in r["nodes"]]
    return {**r, "document_id": doc, "key": f"{r['key']}{tag}", "edges": edges, "nodes": nodes}


def write_back(
    ex: list[Extractor], rows: list[dict[str, Any]], want: int, per_shard: int
) -> dict[str, Any]:
    from bench.writeback import load  # it imports this module
    from graph.repository import GraphStore

    with GraphStore.connect(get_settings().neo4j) as store:
        return load(store, _copies([r for r in rows if r.get("edges")], want), per_shard, ex)


def projection(local_rate: float, ray_rate: float, workers: int) -> dict[str, Any]:
    per_worker = ray_rate / workers
    return {
        "abstracts": PUBMED_2025,
        "cpu_worker_abstracts_per_s": round(per_worker, 2),
        "hours_on_1_process_here": round(PUBMED_2025 / local_rate / 3600, 1),
        **{
            f"hours_on_{n}_cpu_workers": round(PUBMED_2025 / (per_worker * n) / 3600, 1)
            for n in (16, 64, 256)
        },
        "cpu_worker_hours_per_million": round(1e6 / per_worker / 3600, 2),
    }


def main() -> None:
    shared = get_settings().ingest.data_dir
    p = argparse.ArgumentParser()
    p.add_argument(
        "--files", nargs="+", type=Path, default=[shared / "pubmed" / "medline16n0902.xml.gz"]
    )
    p.add_argument("--ray-workers", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--write-statements", type=int, default=30_000)
    p.add_argument("--shard-statements", type=int, default=5_000)
    p.add_argument("--no-neo4j", action="store_true")
    a = p.parse_args()
    settings = get_settings()
    torch.set_num_threads(settings.models.torch_threads)
    out: dict[str, Any] = {
        "machine": f"{platform.node()} ({torch.get_num_threads()} torch threads)",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    with tempfile.TemporaryDirectory() as tmp:
        ex, out["models"] = served_or_standin(settings, Path(tmp))
        t0 = time.perf_counter()
        _warm(ex)  # the HPO linker builds its label index once (cached for later runs)
        out["warm_up_s"] = round(time.perf_counter() - t0, 2)
        out["local"] = run_engine(
            ex, engines.local_engine(ex), a.files, Path(tmp) / "l", 1, a.batch_size
        )
        t0 = time.perf_counter()
        engines.start_ray(None, a.ray_workers)
        out["ray_start_s"] = round(time.perf_counter() - t0, 2)
        ray_run = engines.ray_engine(functools.partial(_given, ex), a.ray_workers)
        out["ray"] = run_engine(ex, ray_run, a.files, Path(tmp) / "r", 256, a.batch_size)
        out["ray"]["workers"] = a.ray_workers
        out["ray_overhead_s"] = round(out["ray"]["seconds"] - out["local"]["seconds"], 2)
        out["projection_36M"] = projection(
            out["local"]["abstracts_per_s"], out["ray"]["abstracts_per_s"], a.ray_workers
        )
        if not a.no_neo4j:
            from extraction.literature import shards

            rows = [
                r
                for f in sorted(Path(out["local"]["folder"]).glob("shard-*"))
                for r in shards.read_shard(f)
            ]
            out["write_back"] = write_back(ex, rows, a.write_statements, a.shard_statements)
    print(json.dumps(out, indent=2))


def _warm(ex: list[Extractor]) -> None:
    from extraction.literature.documents import LitDocument, Section

    text = "Famotidine-associated delirium in an elderly patient."
    for e in ex:
        e.extract([LitDocument("warm-up", "", (Section(None, text),), text, "warm-up")])


def _given(ex: list[Extractor]) -> list[Extractor]:
    return ex


if __name__ == "__main__":
    main()
