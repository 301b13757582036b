"""Write-back statements per second: the literature loader (the shared upsert queries) on
copies of real extracted rows, in layouts side by side:

- spread: the first `--abstracts` citations' rows copied under new document AND node ids, in
  transactions of `--shard-statements`: every copy brings its own drugs and events (1.17 new
  nodes a statement), as only the first shards of a run do;
- dense: copies under new document ids only, the same drugs and events, so each pair gathers
  evidence from many documents, as popular pairs do in PubMed (aspirin, bleeding);
- run and run_grouped (with --run-shards): the Parquet shards of a real `extract literature`
  run, each round under ids of its own but for the curated nodes they link to (as if each round
  were a new corpus with a vocabulary of its own), read and loaded by the writer: `run` one
  transaction per shard, `run_grouped` as the writer loads shards that wait for it
  (loader.load_shards).

    EVIGRAPH_NEO4J__BOLT_PORT=7695 ... .venv/bin/python -m bench.writeback \\
        [--abstracts 120] [--statements 30000] [--shard-statements 5000] [--rounds 3] [--keep] \\
        [--run-shards <var>/literature/<run>]

The rows come from the served ADE pipeline (or bench.literature's stand-in) run locally over the
first `--abstracts` citations of the 2016 MEDLINE file. Use a throw-away server: each layout's
run is retracted afterwards (with --keep, not: the store grows round after round, as in a long
run, instead of reusing the freed records). Each round writes every layout under ids of its own;
the first rounds on a freshly started server are slower (its JVM compiles the write path
while it runs), so the rounds are printed one by one. Prints JSON."""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bench.literature import _copies, served_or_standin
from core.settings import get_settings
from extraction import writeback as wb
from extraction.literature import engines, loader, shards
from extraction.literature.documents import LitDocument
from extraction.literature.extractors import Extractor
from extraction.literature.job import LiteratureJob, open_run
from extraction.literature.readers import read_file
from graph.repository import GraphStore

Row = dict[str, Any]


def extracted_rows(abstracts: int, tmp: Path) -> tuple[list[Row], str]:
    src = get_settings().ingest.data_dir / "pubmed" / "medline16n0902.xml.gz"
    docs = [d for d in read_file(src, []) if isinstance(d, LitDocument)][:abstracts]
    jsonl = tmp / "abstracts.jsonl"
    jsonl.write_text("".join(json.dumps({"id": d.id, "text": d.text}) + "\n" for d in docs))
    ex, models = served_or_standin(get_settings(), tmp)
    job = LiteratureJob(ex, engines.local_engine(ex), None, tmp / "shards", 32, 1)
    folder = job.run([jsonl]).folder
    rows = [r for f in sorted(Path(folder).glob("shard-*")) for r in shards.read_shard(f)]
    return [r for r in rows if r.get("edges")], models


def dense_copies(rows: list[Row], want: int) -> list[Row]:
    """The rows again under new document (and so evidence) ids, same entities."""
    spread = _copies(rows, want)  # new ids everywhere; take back the entities' own ids
    by_key = {r["key"]: r for r in rows}
    out = []
    for copy in spread:
        tag = copy["key"][len(_original_key(copy["key"])) :]
        orig = by_key[_original_key(copy["key"])]
        edges = [
            {**e, "subject": o["subject"], "object": o["object"]}
            for e, o in zip(copy["edges"], orig["edges"], strict=True)
        ]
        out.append({**copy, "edges": edges, "nodes": orig["nodes"], "key": orig["key"] + tag})
    return out


def _original_key(key: str) -> str:
    return key.split("#copy", 1)[0]


def salted(rows: list[Row], salt: str, keep: frozenset[str] = frozenset()) -> list[Row]:
    """The rows under ids of their own (documents, nodes but those in `keep`, evidence), so
    that a round of the benchmark never merges into another's statements."""

    def own(node_id: str) -> str:
        return node_id if node_id in keep else node_id + salt

    out = []
    for r in rows:
        edges = [
            {
                **e,
                "subject": own(e["subject"]),
                "object": own(e["object"]),
                "evidence_id": e["evidence_id"] + salt,
            }
            for e in r["edges"]
        ]
        nodes = [{**n, "id": own(n["id"])} for n in r["nodes"]]
        doc = r["document_id"] + salt
        out.append(
            {**r, "document_id": doc, "key": r["key"] + salt, "edges": edges, "nodes": nodes}
        )
    return out


def in_shards(rows: list[Row], per_shard: int) -> list[list[Row]]:
    """`rows` in consecutive parts of about `per_shard` statements."""
    parts: list[list[Row]] = [[]]
    n = 0  # statements in the last part
    for r in rows:
        if n >= per_shard:
            parts.append([])
            n = 0
        parts[-1].append(r)
        n += len(r["edges"])
    return parts


def load(
    store: GraphStore,
    rows: list[Row],
    per_shard: int,
    extractors: Sequence[Extractor] = (),
    retract: bool = True,
) -> dict[str, Any]:
    """`rows` through the literature loader in shards of about `per_shard` statements, one
    run (of `extractors`' models), retracted afterwards unless `retract` is false: statements
    per second."""
    return load_parts(store, in_shards(rows, per_shard), extractors, retract)


def load_parts(
    store: GraphStore,
    parts: list[list[Row]],
    extractors: Sequence[Extractor] = (),
    retract: bool = True,
    folder: Path | None = None,
    group: int = 0,
) -> dict[str, Any]:
    """Each part in one transaction of the literature loader, as one run. With `folder`, the
    parts are first written there as Parquet shards (untimed), and the timing is the writer's:
    shards read, loaded and marked, one transaction each (loader.load_shard), or with `group`,
    as the writer loads waiting shards (loader.load_shards: transactions of up to `group`
    statements, the next shard read meanwhile)."""
    run, _ = open_run(store, extractors, json.dumps({"bench": time.time()}))
    before = _entities(store)
    written = folder / run if folder else None
    paths = [shards.write_shard(written, k, p) for k, p in enumerate(parts, 1)] if written else []
    if paths and group:
        seconds, counts = _timed(loader.load_shards(store, run, paths, group))
    elif paths:
        seconds, counts = _timed(loader.load_shard(store, run, p) for p in paths)
    else:
        seconds, counts = _timed(loader.load_rows(store, run, p) for p in parts)
    total, el = sum(counts), sum(seconds)
    densest = store.run_text(
        "bench/densest",
        "MATCH (a)-[r]->(b) WHERE r.extraction_run = $run "
        "WITH a, b, count(r) AS n RETURN max(n) AS n",
        {"run": run},
        read=True,
    )[0]["n"]
    created = _entities(store) - before
    if retract:
        wb.retract_run(store, run)
    return {
        "statements": total,
        "shards": len(parts),
        "transactions": len(seconds),
        "seconds": round(el, 2),
        "statements_per_s": round(total / el, 1),
        # without the first shard, which also pays the server's first planning of the queries
        "after_first_shard_per_s": round(sum(counts[1:]) / max(sum(seconds[1:]), 1e-9), 1),
        "shard_seconds": [round(x, 2) for x in seconds],
        "densest_pair": densest,
        "new_nodes_per_statement": round(created / max(total, 1), 3),
    }


def _timed(loads: Iterable[loader.LoadCounts]) -> tuple[list[float], list[int]]:
    """Seconds and statements of each transaction, as `loads` runs them one by one."""
    seconds: list[float] = []
    counts: list[int] = []
    it = iter(loads)
    while True:
        t0 = time.perf_counter()
        got = next(it, None)
        if got is None:
            return seconds, counts
        seconds.append(time.perf_counter() - t0)
        counts.append(got.statements)


def _entities(store: GraphStore) -> int:
    return int(store.run_text("bench/entities", ENTITIES, {}, read=True)[0]["n"])


ENTITIES = "MATCH (n:Entity) RETURN count(n) AS n"
CURATED = "MATCH (n:Entity) WHERE n.id IN $ids AND n.extracted IS NULL RETURN n.id AS id"


def run_rows(store: GraphStore, folder: Path) -> tuple[list[list[Row]], frozenset[str]]:
    """The shards of a real `extract literature` run (loaded or not; without their lists of
    deleted citations), and the ids of the curated nodes they link to (kept as they are: a
    later corpus links to the same terms)."""
    files = sorted(folder.glob("shard-*"))
    parts = [[r for r in shards.read_shard(f) if "delete" not in r] for f in files]
    ids = sorted({n["id"] for part in parts for r in part for n in r.get("nodes", [])})
    rows = store.run_text("bench/curated", CURATED, {"ids": ids}, read=True)
    return [p for p in parts if p], frozenset(str(r["id"]) for r in rows)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--abstracts", type=int, default=120)
    p.add_argument("--statements", type=int, default=30_000)
    p.add_argument("--shard-statements", type=int, default=5_000)
    p.add_argument(
        "--rows", type=Path, help="Read the extracted rows from (or save them to) this JSON."
    )
    p.add_argument("--rounds", type=int, default=3, help="Both layouts this many times.")
    p.add_argument("--keep", action="store_true", help="Keep what each round wrote.")
    p.add_argument(
        "--run-shards",
        type=Path,
        help="Also a third layout, 'run': the shard folder of a real `extract literature` run "
        "(<var>/literature/<run>), each round under ids of its own but for the curated nodes "
        "it links to, loaded from Parquet one shard per transaction as the run's writer does.",
    )
    a = p.parse_args()
    out: dict[str, Any] = {
        "machine": platform.node(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    if a.rows and a.rows.is_file():
        rows, out["models"] = json.loads(a.rows.read_text()), f"rows read from {a.rows}"
    else:
        with tempfile.TemporaryDirectory() as tmp:
            rows, out["models"] = extracted_rows(a.abstracts, Path(tmp))
        if a.rows:
            a.rows.write_text(json.dumps(rows))
    out["rows"] = {"documents": len(rows), "statements": sum(len(r["edges"]) for r in rows)}
    out["rounds"] = []
    tag = time.strftime("%H%M%S")
    with GraphStore.connect(get_settings().neo4j) as store, tempfile.TemporaryDirectory() as tmp:
        real, curated = run_rows(store, a.run_shards) if a.run_shards else ([], frozenset())
        if real:
            out["run_shards"] = {
                "folder": str(a.run_shards),
                "shards": len(real),
                "documents": sum(len(p) for p in real),
                "statements": sum(loader.statements_in(p) for p in real),
            }
        for k in range(1, a.rounds + 1):
            got: dict[str, Any] = {"round": k}
            for name, copies in (("spread", _copies), ("dense", dense_copies)):
                own = salted(rows, f"#{tag}-{k}{name[0]}")
                got[name] = load(
                    store, copies(own, a.statements), a.shard_statements, retract=not a.keep
                )
            for name, group in (("run", 0), ("run_grouped", loader.GROUP_STATEMENTS)):
                if real:
                    parts = [salted(p, f"#{tag}-{k}{name}", curated) for p in real]
                    got[name] = load_parts(
                        store, parts, retract=not a.keep, folder=Path(tmp), group=group
                    )
            out["rounds"].append(got)
            rates = ", ".join(
                f"{name} {got[name]['statements_per_s']:,.0f}/s"
                for name in ("spread", "dense", "run", "run_grouped")
                if name in got
            )
            print(f"round {k}: {rates}", file=sys.stderr, flush=True)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
