"""`evigraph validate`: the graph against the Biolink rules evigraph relies on.

Rules (interop/biolink.py, interop/prefixes.py and graph/vocabulary/labels.py hold the data):
- category: every node has a known Biolink category that fits its Neo4j label;
- prefix: every node id is a CURIE with a prefix of the documented prefix map;
- predicate: every statement has a known Biolink predicate;
- domain-range: the endpoint categories fit the predicate's domain and range;
- provenance: every statement names its primary knowledge source (infores:), a valid
  knowledge_level and agent_type, endpoint ids equal to its endpoints, and where it came from
  (each curated source's run and release; an extracted statement's document, sentence, model
  and run); every node a source describes has that source's run and release.

Errors make the command exit non-zero. Warnings (nodes no source describes, cross-reference
prefixes outside the map) and notes (documented deviations from Biolink) are reported only.
The checks are aggregates computed in Neo4j, so the client's memory does not grow with the graph.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from graph.repository import GraphStore
from graph.vocabulary import LABEL_CATEGORIES
from interop import biolink
from interop.prefixes import PREFIX_MAP

CURIE_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]*:\S+$"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # error | warning | note
    count: int
    message: str
    example: str | None = None


@dataclass
class Report:
    nodes: int = 0
    edges: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, rule: str, severity: str, count: int, message: str, example: Any) -> None:
        if count:
            self.findings.append(Finding(rule, severity, int(count), message, example))

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "nodes": self.nodes,
            "edges": self.edges,
            "errors": len(self.errors),
            "findings": [asdict(f) for f in self.findings],
        }

    def text(self) -> str:
        lines = [
            f"Biolink {biolink.BIOLINK_VERSION} check: {self.nodes} nodes, {self.edges} edges, "
            f"{len(self.errors)} error groups"
        ]
        for f in sorted(
            self.findings, key=lambda f: ("error", "warning", "note").index(f.severity)
        ):
            lines.append(f"  {f.severity.upper():7} {f.rule:12} {f.count:>8}  {f.message}")
            if f.example:
                lines.append(f"  {'':7} {'':12} {'':>8}  e.g. {f.example}")
        lines.append("OK" if self.ok else "FAILED")
        return "\n".join(lines)


def validate(store: GraphStore) -> Report:
    report = Report()
    for group in store.read("interop/validate_nodes", curie=CURIE_PATTERN):
        report.nodes += group["count"]
        _check_nodes(report, group)
    for group in store.read(
        "interop/validate_edges",
        levels=sorted(biolink.KNOWLEDGE_LEVELS),
        agents=sorted(biolink.AGENT_TYPES),
    ):
        report.edges += group["count"]
        _check_edges(report, group)
    for group in store.read("interop/validate_xref_prefixes", curie=CURIE_PATTERN):
        if group["prefix"] not in PREFIX_MAP:
            report.add(
                "xref-prefix",
                "warning",
                group["count"],
                f"cross-references with prefix {group['prefix']!r} outside the prefix map",
                group["example"],
            )
    return report


def _check_nodes(report: Report, g: dict[str, Any]) -> None:
    n, cat, labels, example = g["count"], g["category"], g["labels"], g["example"]
    where = f"{'/'.join(labels) or 'no label'} nodes"
    if cat not in biolink.CLASS_PARENTS:
        report.add(
            "category", "error", n, f"{where} with category {cat!r} unknown to Biolink", example
        )
    elif not labels or any(cat not in LABEL_CATEGORIES.get(lb, ()) for lb in labels):
        report.add(
            "category",
            "error",
            n,
            f"{where} with category {cat} that does not fit the label",
            example,
        )
    if g["prefix"] is None:
        report.add("prefix", "error", n, f"{where} whose id is not a CURIE", example)
    elif g["prefix"] not in PREFIX_MAP:
        report.add(
            "prefix",
            "error",
            n,
            f"{where} with id prefix {g['prefix']!r} outside the prefix map",
            example,
        )
    report.add(
        "provenance", "error", g["no_run"], f"{where} lacking a source's run or release", example
    )
    report.add(
        "provenance",
        "error",
        g["no_extraction_run"],
        f"extracted {where} that no extraction run needs",
        example,
    )
    report.add(
        "provenance",
        "warning",
        g["undescribed"],
        f"{where} referenced by statements but described by no source",
        example,
    )


def _check_edges(report: Report, g: dict[str, Any]) -> None:
    n, pred, example = g["count"], g["predicate"], g["bad_example"] or g["example"]
    shape = f"{g['type']} ({g['subject_category']} -> {g['object_category']})"
    rule = biolink.PREDICATES.get(pred) if isinstance(pred, str) else None
    if rule is None:
        report.add(
            "predicate",
            "error",
            n,
            f"{shape} with predicate {pred!r} unknown to Biolink",
            g["example"],
        )
    else:
        _check_domain_range(report, g, rule, shape)
    checks = (
        ("bad_source", "without an infores primary_knowledge_source"),
        ("bad_level", "without a Biolink knowledge_level"),
        ("bad_agent", "without a Biolink agent_type"),
        ("bad_endpoints", "whose subject/object properties differ from their endpoints"),
        (
            "no_origin",
            "without their origin (source run and release, or document, sentence, model and run)",
        ),
    )
    for key, what in checks:
        report.add("provenance", "error", g[key], f"{shape} statements {what}", example)


def _check_domain_range(
    report: Report, g: dict[str, Any], rule: biolink.PredicateRule, shape: str
) -> None:
    sub, obj, n = g["subject_category"], g["object_category"], g["count"]
    if not biolink.fits(str(sub), rule.domain):
        report.add(
            "domain",
            "error",
            n,
            f"{shape}: subject is not a {rule.domain} as {g['predicate']} requires",
            g["example"],
        )
    if biolink.fits(str(obj), rule.range):
        return
    if rule.accepted_range and biolink.fits(str(obj), rule.accepted_range):
        report.add(
            "range",
            "note",
            n,
            f"{shape}: {g['predicate']} expects {rule.range}; accepted because {rule.deviation}",
            g["example"],
        )
    else:
        report.add(
            "range",
            "error",
            n,
            f"{shape}: object is not a {rule.range} as {g['predicate']} requires",
            g["example"],
        )
