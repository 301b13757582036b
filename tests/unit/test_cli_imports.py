"""The CLI starts without torch, faiss or transformers: commands import their models."""

from __future__ import annotations

import subprocess
import sys


def test_cli_starts_without_the_model_libraries() -> None:
    code = (
        "import sys, cli.main; "
        "print(sorted(m for m in ('torch', 'faiss', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
