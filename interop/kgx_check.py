"""`evigraph export kgx --validate`: the community's KGX validator (PyPI `kgx`) run offline, as a
subprocess in its own venv (`make kgx-venv`, see interop/kgx_validator_run.py for why), on
the files an export just wrote. The report is error counts by kgx level and type, per format."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.exceptions import EvigraphError
from core.sidecar import run_module

RUNNER = "interop.kgx_validator_run"
MARKER = "KGX-REPORT "  # the runner's report line (it cannot import this module)


@dataclass(frozen=True)
class KgxReport:
    formats: list[dict[str, Any]]

    @property
    def errors(self) -> int:
        return sum(
            e["count"]
            for f in self.formats
            for key, e in f["errors"].items()
            if key.startswith("ERROR") and "documented deviation" not in key
        )

    @property
    def deviations(self) -> int:
        return sum(
            e["count"] for f in self.formats for k, e in f["errors"].items() if "deviation" in k
        )

    def text(self) -> str:
        lines = []
        for f in self.formats:
            rec = f["records"]
            lines.append(
                f"kgx validate ({f['format']}, Biolink {f['biolink_version']}): "
                f"{rec['nodes']} nodes, {rec['edges']} edges read in {f['seconds']} s"
            )
            for key, e in sorted(f["errors"].items()):
                lines.append(f"  {key}: {e['count']} ({e['distinct_messages']} distinct)")
                lines.extend(f"      e.g. {m}" for m in e["samples"][:2])
            if not f["errors"]:
                lines.append("  no errors")
        return "\n".join(lines)


def run_kgx_validator(
    folder: Path, python: Path, formats: tuple[str, ...] = ("tsv", "jsonl"), timeout_s: float = 3600
) -> KgxReport:
    missing = (
        f"kgx validate: no kgx venv at {python}; create it with `make kgx-venv` "
        "(or set EVIGRAPH_INTEROP__KGX_PYTHON)"
    )
    what = f"kgx validate on {folder}"
    out = run_module(python, RUNNER, [str(folder), *formats], what, missing, timeout_s)
    try:
        line = next(ln for ln in out.splitlines() if ln.startswith(MARKER))
        return KgxReport(json.loads(line[len(MARKER) :]))
    except (StopIteration, ValueError) as e:
        raise EvigraphError(f"kgx validate: unreadable report for {folder}: {e}") from e
