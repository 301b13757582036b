"""Precision of the served ADE pipeline on real abstracts, against BC5CDR's document-level
chemical-induced-disease (CID) labels: the 500 test abstracts run through the pipeline a
literature run uses (`AdeService.extract` on whole title + abstract texts), with the sentence
gate off and on, side by side.

    .venv/bin/python -m bench.ade_cid_precision [--limit 500] [--split Test]

A statement is confirmed when its drug span overlaps a Chemical mention and its event span a
Disease mention of the same abstract whose MeSH ids form a CID pair of that abstract. BC5CDR
annotates every chemical and disease mention, so a statement over a span the annotators did not
tag, or over a pair they did not label CID, counts against precision. Also: precision by the
statement's score (what an analyst filtering on `score` gets), and the CID pairs of the
abstracts that some statement confirms (a recall). Caveat: the served tagger was pre-trained on
BC5CDR's mentions (all three splits; not its relations), so mention boundaries are easier here
than on unseen text. Prints JSON; writes results/ade_cid_precision.json."""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.settings import PROJECT_ROOT, get_settings

THRESHOLDS = (0.5, 0.7, 0.8, 0.9, 0.95)


@dataclass
class Abstract:
    pmid: str
    text: str = ""
    chemicals: list[tuple[int, int, set[str]]] = field(default_factory=list)
    diseases: list[tuple[int, int, set[str]]] = field(default_factory=list)
    cid: set[tuple[str, str]] = field(default_factory=set)


def read_pubtator(path: Path) -> list[Abstract]:
    docs: dict[str, Abstract] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "|t|" in line[:20] or "|a|" in line[:20]:
            pmid, _, text = line.split("|", 2)
            doc = docs.setdefault(pmid, Abstract(pmid))
            doc.text = f"{doc.text} {text}" if doc.text else text
            continue
        cols = line.split("\t")
        if len(cols) == 4 and cols[1] == "CID":
            docs[cols[0]].cid.add((cols[2], cols[3]))
        elif len(cols) >= 6:
            ids = {i for i in cols[5].split("|") if i and i != "-1"}
            target = docs[cols[0]].chemicals if cols[4] == "Chemical" else docs[cols[0]].diseases
            target.append((int(cols[1]), int(cols[2]), ids))
    return list(docs.values())


def _ids_at(mentions: list[tuple[int, int, set[str]]], start: int, end: int) -> set[str]:
    return {i for s, e, ids in mentions if s < end and start < e for i in ids}


def judge(doc: Abstract, rel: Any) -> tuple[bool, set[tuple[str, str]]]:
    """(confirmed, the CID pairs it confirms)."""
    chems = _ids_at(doc.chemicals, *rel.drug_span)
    dis = _ids_at(doc.diseases, *rel.event_span)
    hits = {(c, d) for c in chems for d in dis} & doc.cid
    return bool(hits), hits


def run(service: Any, docs: list[Abstract], gate: bool) -> dict[str, Any]:
    from extraction.ade.text import Document

    t0 = time.perf_counter()
    results = []
    for i in range(0, len(docs), 16):
        part = docs[i : i + 16]
        results += service.extract([Document(d.pmid, d.text) for d in part], gate)
    seconds = time.perf_counter() - t0
    scored: list[tuple[float, bool]] = []
    found: set[tuple[str, str, str]] = set()
    for doc, res in zip(docs, results, strict=True):
        for rel in res.relations:
            ok, hits = judge(doc, rel)
            scored.append((rel.score, ok))
            found |= {(doc.pmid, c, d) for c, d in hits}
    gold = sum(len(d.cid) for d in docs)
    return {
        "gate": gate,
        "statements": len(scored),
        "confirmed": sum(ok for _, ok in scored),
        "precision": _share(sum(ok for _, ok in scored), len(scored)),
        "by_score": {
            f">={t}": {
                "statements": sum(s >= t for s, _ in scored),
                "precision": _share(
                    sum(ok for s, ok in scored if s >= t), sum(s >= t for s, _ in scored)
                ),
            }
            for t in THRESHOLDS
        },
        "cid_pairs": gold,
        "cid_pairs_confirmed": len(found),
        "cid_recall": _share(len(found), gold),
        "seconds": round(seconds, 1),
        "abstracts_per_s": round(len(docs) / seconds, 2),
        "errors": sum(1 for r in results if r.error),
    }


def _share(n: int, d: int) -> float | None:
    return round(n / d, 3) if d else None


def main() -> None:
    from extraction.ade.service import AdeService

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="Test", choices=["Training", "Development", "Test"])
    ap.add_argument("--limit", type=int, default=500)
    ap.add_argument("--out", type=Path, default=PROJECT_ROOT / "results" / "ade_cid_precision.json")
    a = ap.parse_args()
    settings = get_settings()
    path = settings.ingest.data_dir / "bc5cdr" / f"CDR_{a.split}Set.PubTator.txt"
    docs = read_pubtator(path)[: a.limit]
    service = AdeService.from_settings(settings)
    out: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "file": str(path),
        "abstracts": len(docs),
        "runs": [run(service, docs, gate=False)],
    }
    try:
        out["runs"].append(run(service, docs, gate=True))
    except Exception as e:  # no gate trained: say so, keep the gate-off figures
        out["gate_error"] = str(e)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
