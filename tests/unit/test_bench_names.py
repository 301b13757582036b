"""A bench script run as a file puts bench/ first on sys.path, so a script named like one of
the project's packages (bench/ingest.py did) would be imported in its place."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_bench_module_shadows_a_package() -> None:
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}
    scripts = {p.stem for p in (ROOT / "bench").glob("*.py")}
    assert packages & scripts == set()
