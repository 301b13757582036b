"""MAUDE reports as graph statements for the shared write-back:
(:DeviceReport)-[:INVOLVES_DEVICE]->(:Device) and
(:DeviceReport)-[:MENTIONS_PHENOTYPE]->(:PhenotypicFeature), one per linked mention."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence

from extraction import writeback as wb
from extraction.maude.records import LABELS, DeviceInfo, MaudeReport
from extraction.phenotype_linker import PhenotypeLinker
from graph.vocabulary import FDA_MAUDE_INFORES, NodeLabel, RelType

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_MAX_SENTENCE = 1000
MENTION_SCORES = {"exact": 1.0, "synonym": 0.9}


def device_node(d: DeviceInfo) -> wb.Node:
    """A device is identified by what the report names: brand, generic name, product code
    and manufacturer (MAUDE has no stable device identifier before UDI)."""
    key = "|".join(
        x.upper() for x in (d.brand_name, d.generic_name, d.product_code, d.manufacturer)
    )
    did = "MAUDE.DEVICE:" + hashlib.sha1(key.encode()).hexdigest()[:16]
    props: dict[str, wb.PropValue] = {
        "brand_name": d.brand_name or None,
        "generic_name": d.generic_name or None,
        "product_code": d.product_code or None,
        "manufacturer": d.manufacturer or None,
        "sources": [FDA_MAUDE_INFORES],
    }
    name = d.brand_name or d.generic_name or d.product_code
    return wb.Node(did, NodeLabel.DEVICE, name, NodeLabel.DEVICE.category, props)


def prediction_props(pred: Mapping[str, object]) -> dict[str, wb.PropValue]:
    scores = pred["scores"]
    assert isinstance(scores, Mapping)
    out: dict[str, wb.PropValue] = {"severity_predicted": str(pred["severity_predicted"])}
    for label in LABELS:
        out[f"p_{label.lower()}"] = round(float(scores[label]), 6)
    return out


def _opt_str(v: object) -> str | None:
    return None if v is None else str(v)


def _opt_float(v: object) -> float | None:
    return None if v is None else float(str(v))


def report_node(r: MaudeReport, pred: Mapping[str, object], run_id: str) -> wb.Node:
    props: dict[str, wb.PropValue] = {
        "mdr_report_key": r.mdr_report_key,
        "report_number": r.report_number,
        "date_received": r.date_received,
        "date_of_event": r.date_of_event,
        "event_type_reported": r.event_type,
        "severity_reported": r.label,
        **prediction_props(pred),
        # The argmax and the Death threshold behind severity_predicted (None: plain argmax).
        "severity_argmax": _opt_str(pred.get("severity_argmax")),
        "death_threshold": _opt_float(pred.get("death_threshold")),
        "severity_model": str(pred["model"]),
        "severity_run": run_id,
        "sources": [FDA_MAUDE_INFORES],
    }
    return wb.Node(
        r.id,
        NodeLabel.DEVICE_REPORT,
        f"MAUDE report {r.mdr_report_key}",
        NodeLabel.DEVICE_REPORT.category,
        props,
    )


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) pieces of a narrative, each at most _MAX_SENTENCE characters."""
    start = 0
    for m in [*_SENTENCE_END.finditer(text), None]:
        end = m.start() if m else len(text)
        for s in range(start, end, _MAX_SENTENCE):
            piece = text[s : min(end, s + _MAX_SENTENCE)]
            if piece.strip():
                yield s, piece
        start = m.end() if m else len(text)


def report_statements(
    r: MaudeReport, pred: Mapping[str, object], run_id: str, linker: PhenotypeLinker | None
) -> list[wb.Statement]:
    node = report_node(r, pred, run_id)
    qual = prediction_props(pred)
    out: list[wb.Statement] = []
    for d in r.devices:
        fields = " | ".join(
            x for x in (d.brand_name, d.generic_name, d.product_code, d.manufacturer) if x
        )
        ev = wb.Evidence(r.id, fields)
        out.append(
            wb.Statement(
                node,
                RelType.INVOLVES_DEVICE,
                RelType.INVOLVES_DEVICE.predicate,
                device_node(d),
                1.0,
                ev,
                qualifiers={**qual, "source_table": "foidev"},
            )
        )
    if linker is None:
        return out
    seen: set[tuple[str, int]] = set()
    for offset, sent in sentences(r.text):
        for m in linker.link(sent):
            if (m.term_id, offset + m.start) in seen:
                continue
            seen.add((m.term_id, offset + m.start))
            term = wb.Node(
                m.term_id,
                NodeLabel.PHENOTYPIC_FEATURE,
                m.term_name,
                NodeLabel.PHENOTYPIC_FEATURE.category,
            )
            ev = wb.Evidence(r.id, sent, object_span=(m.start, m.end))
            q: dict[str, wb.PropValue] = {"match": m.match, "matched_text": sent[m.start : m.end]}
            out.append(
                wb.Statement(
                    node,
                    RelType.MENTIONS_PHENOTYPE,
                    RelType.MENTIONS_PHENOTYPE.predicate,
                    term,
                    MENTION_SCORES[m.match],
                    ev,
                    qualifiers=q,
                )
            )
    return out


def all_statements(
    reports: Sequence[MaudeReport],
    preds: Sequence[Mapping[str, object]],
    run_id: str,
    linker: PhenotypeLinker | None,
) -> list[wb.Statement]:
    out: list[wb.Statement] = []
    for r, p in zip(reports, preds, strict=True):
        out += report_statements(r, p, run_id, linker)
    return out
