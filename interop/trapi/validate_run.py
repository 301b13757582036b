"""Validate TRAPI Responses with the PyPI `reasoner-validator` (7.0.0), offline; run by
`.venv-trapi/bin/python -m interop.trapi.validate_run FILE.json...` (`make trapi-venv`).

reasoner-validator fetches the TRAPI schema from GitHub and bmt its predicate mapping by
default; here the TRAPI schema is the pinned TranslatorReasonerAPI-2.0.0-beta.yaml beside this
file (tag v2.0.0-beta of NCATSTranslator/ReasonerAPI), the Biolink model is the `biolink-model`
wheel's 4.4.6 YAML, and every network connection is refused. Prints one JSON line: per file,
the critical, error and warning messages."""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path
from typing import Any

TRAPI_YAML = Path(__file__).with_name("TranslatorReasonerAPI-2.0.0-beta.yaml")
MARKER = "TRAPI-REPORT "


def _offline() -> None:
    real = socket.socket.connect

    def refuse(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise OSError(f"TRAPI validation runs offline: refused a connection to {address}")
        return real(self, address)

    socket.socket.connect = refuse  # type: ignore[method-assign,assignment]
    import bmt.toolkit
    from linkml_runtime.utils.schemaview import SchemaView

    def init(self: Any, schema: Any = None, predicate_map: Any = None) -> None:
        self.view = SchemaView(schema)
        self.pmap = {"predicate mappings": []}

    bmt.toolkit.Toolkit.__init__ = init
    from reasoner_validator.trapi import TRAPISchemaValidator

    # It probes standards.ncats.io (home of the workflow schema, which evigraph's answers do
    # not use) once per process; the probe is what would fail offline, so mark it done.
    TRAPISchemaValidator._validation_metadata_checked = True
    import reasoner_validator.biolink as rvb

    local = rvb.get_biolink_schema  # with no version it reads the wheel's YAML

    def schema(version: str | None = None) -> Any:
        if version not in (None, "4.4.6", "v4.4.6"):
            raise ValueError(f"only the wheel's Biolink 4.4.6 is available offline, not {version}")
        return local(None)

    rvb.get_biolink_schema = schema


def check(path: Path) -> dict[str, Any]:
    from reasoner_validator.validator import TRAPIResponseValidator

    validator = TRAPIResponseValidator(trapi_version=str(TRAPI_YAML), biolink_version=None)
    validator.check_compliance_of_trapi_response(response=json.loads(path.read_text()))
    out: dict[str, Any] = {"file": str(path)}
    for kind, getter in (
        ("critical", validator.get_critical),
        ("errors", validator.get_errors),
        ("warnings", validator.get_warnings),
    ):
        out[kind] = json.loads(json.dumps(getter(), default=str))
    return out


def main(argv: list[str]) -> int:
    _offline()
    print(MARKER + json.dumps([check(Path(a)) for a in argv]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
