"""Run the community's KGX validator (PyPI `kgx`) offline on an export; meant to be run by
`.venv-kgx/bin/python -m interop.kgx_validator_run DIR` (see `interop/kgx_check.py`).

kgx pins click < 8.2 and linkml-runtime < 1.11 while evigraph's stack needs newer ones, so it
lives in its own virtual environment (`make kgx-venv`) and this module imports nothing of
evigraph. By default bmt and kgx fetch the Biolink YAML, the predicate mapping and the JSON-LD
context from GitHub; here the YAML comes from the `biolink-model` wheel, the JSON-LD context is
built from the wheel's prefix map, and every network connection is refused, so a run that
would fetch fails instead of fetching.

Prints one JSON line after MARKER: per format, entity counts and error counts by (level,
error type), with a few sample messages."""

from __future__ import annotations

import json
import socket
import sys
import time
from importlib import resources
from pathlib import Path
from typing import Any

from interop.prefixes import DEVIATION_PREFIXES  # plain Python: safe in the kgx venv

MARKER = "KGX-REPORT "
DEVIATION = " (documented deviation: a prefix Biolink lacks)"


def _deviates(message: str) -> bool:
    return any(f"prefix '{p}'" in message for p in DEVIATION_PREFIXES)


def _offline() -> None:
    def refuse(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise OSError(f"kgx validation runs offline: refused a connection to {address}")
        return real(self, address)

    real = socket.socket.connect
    socket.socket.connect = refuse  # type: ignore[method-assign,assignment]


def _biolink_files() -> tuple[str, dict[str, Any]]:
    """The Biolink YAML path and a JSON-LD context of the wheel's prefix map."""
    root = resources.files("biolink_model")
    yaml_path = str(root / "schema" / "biolink_model.yaml")
    prefixes = json.loads((root / "prefixmaps" / "biolink_model_prefix_map.json").read_text())
    context = {"@vocab": prefixes.get("biolink"), **prefixes}
    return yaml_path, context


def _patch(yaml_path: str, context: dict[str, Any]) -> None:
    import bmt.toolkit
    from linkml_runtime.utils.schemaview import SchemaView

    def init(self: Any, schema: Any = yaml_path, predicate_map: Any = None) -> None:
        self.view = SchemaView(schema)
        self.pmap = {"predicate mappings": []}  # only get_predicate_mapping reads it

    bmt.toolkit.Toolkit.__init__ = init
    import kgx.config

    kgx.config.jsonld_context_map["biolink"] = context


def validate(folder: Path, fmt: str) -> dict[str, Any]:
    from kgx.transformer import Transformer
    from kgx.validator import Validator

    Validator.set_biolink_model(None)
    validator = Validator()
    counts = {"nodes": 0, "edges": 0}

    def count(kind: Any, _rec: Any) -> None:
        counts["edges" if kind.name == "EDGE" else "nodes"] += 1

    validator.progress_monitor = count
    # kgx keeps one entity per distinct message; count every error as it is logged.
    logged: dict[str, int] = {}
    log_error = validator.log_error

    def log(entity: Any, error_type: Any, message: str, level: Any = None) -> None:
        key = f"{(level.name if level else 'ERROR')}:{error_type.name}"
        if _deviates(message):
            key += DEVIATION
        logged[key] = logged.get(key, 0) + 1
        if level is None:
            log_error(entity, error_type, message)
        else:
            log_error(entity, error_type, message, level)

    validator.log_error = log
    files = [str(folder / f"nodes.{fmt}"), str(folder / f"edges.{fmt}")]
    started = time.monotonic()
    Transformer(stream=True).transform(
        input_args={"filename": files, "format": fmt},
        output_args={"format": "null"},
        inspector=validator,
    )
    errors: dict[str, Any] = {}
    for level, by_type in validator.get_errors().items():
        for err_type, messages in by_type.items():
            for key in (f"{level}:{err_type}", f"{level}:{err_type}{DEVIATION}"):
                mine = [m for m in messages if _deviates(m) == key.endswith(DEVIATION)]
                if mine:
                    errors[key] = {
                        "count": logged.get(key, 0),
                        "distinct_messages": len(mine),
                        "samples": sorted(mine)[:3],
                    }
    return {
        "format": fmt,
        "biolink_version": validator.get_validation_model_version(),
        "records": counts,
        "errors": errors,
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m interop.kgx_validator_run DIR [tsv] [jsonl]", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    formats = argv[1:] or ["tsv", "jsonl"]
    _offline()
    yaml_path, context = _biolink_files()
    _patch(yaml_path, context)
    report = [validate(folder, fmt) for fmt in formats]
    # kgx logs to stdout: the report is the one line that starts with the marker.
    print(MARKER + json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
