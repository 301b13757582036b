"""The CLI starts without torch, faiss or transformers: commands import their models. Third-party
libraries say nothing on stderr that the user did not ask for."""

from __future__ import annotations

import subprocess
import sys

import pytest

MODEL_LIBS = ("torch", "faiss", "transformers", "onnxruntime", "sklearn")


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}; import sys; print(sorted(m for m in {MODEL_LIBS!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return list(eval(out.stdout.strip().splitlines()[-1]))


def test_cli_starts_without_the_model_libraries() -> None:
    assert _loaded_after("import cli.main") == []


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["extract", "--help"],
        ["caff", "--help"],
        ["evidence", "--help"],
        ["models", "--help"],
        ["neo4j", "--help"],
        ["serve", "--help"],
    ],
)
def test_help_loads_no_model_library(argv: list[str]) -> None:
    code = f"import cli.main; cli.main.app({argv!r}, standalone_mode=False)"
    assert _loaded_after(code) == []


def test_faiss_loads_without_a_word_on_stderr() -> None:
    """faiss's loader logs at INFO (with ModuleNotFoundErrors) through the root logger."""
    code = "from core.logs import configure_logging; configure_logging('INFO'); import faiss"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr == ""


def test_models_status_loads_no_model_library(tmp_path: object) -> None:
    code = (
        "import os; os.environ['EVIGRAPH_MODELS__VAR_DIR'] = " + repr(str(tmp_path)) + "; "
        "import cli.main; cli.main.app(['models', 'status'], standalone_mode=False)"
    )
    assert _loaded_after(code) == []
