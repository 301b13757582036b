"""`neo4j-admin database import full` (same jars as the server) into the local database.

The import writes into a staging data folder under the runtime home and replaces the live
database folders only after it succeeded: a failed or killed import leaves the database as it
was. The server must be stopped (Community edition cannot stop one database alone).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import time
from pathlib import Path

from core.exceptions import GraphError, RuntimeSetupError
from core.settings import Neo4jSettings
from graph.import_csv import ImportFiles
from graph.local import jars, runtime

logger = logging.getLogger(__name__)

STAGING = "import-staging"


def staging_dir(cfg: Neo4jSettings) -> Path:
    return cfg.home.resolve() / STAGING


def import_offline(cfg: Neo4jSettings, files: ImportFiles) -> float:
    """Import `files` as database `cfg.database` of the stopped local server; returns seconds."""
    paths = runtime.Paths(cfg.home.resolve())
    if runtime.status(cfg).get("running"):
        raise RuntimeSetupError("the local Neo4j must be stopped for neo4j-admin import")
    java = runtime.check_java(cfg)
    lib = jars.ensure(cfg)
    staging = staging_dir(cfg)
    shutil.rmtree(staging / "data", ignore_errors=True)
    (staging / "conf").mkdir(parents=True, exist_ok=True)
    conf = runtime.render_conf(cfg, data_dir=staging / "data")
    (staging / "conf" / "neo4j.conf").write_text(conf, encoding="utf-8")
    cmd = [java, "-cp", f"{lib}/*", runtime.ADMIN_ENTRY_POINT, "database", "import", "full"]
    cmd += [f"--nodes={p}" for p in files.nodes]
    cmd += [f"--relationships={p}" for p in files.relationships]
    cmd += [
        "--array-delimiter=U+001F",
        "--bad-tolerance=0",  # any bad row fails the import; the data was validated before
        f"--max-off-heap-memory={cfg.pagecache}",
        f"--report-file={staging / 'import.report'}",
        "--overwrite-destination=true",
        cfg.database,
    ]
    t0 = time.monotonic()
    out = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        env=runtime.admin_env(paths, conf_dir=staging / "conf"),
        check=False,
    )
    took = time.monotonic() - t0
    if out.returncode != 0:
        shutil.rmtree(staging / "data", ignore_errors=True)
        raise GraphError(
            f"neo4j-admin database import failed (exit {out.returncode}); the database was not "
            f"changed:\n{(out.stderr + out.stdout).strip()[-1500:]}"
        )
    logger.info("neo4j-admin import took %.1f s", took)
    _swap_in(paths, staging, cfg.database)
    shutil.rmtree(staging, ignore_errors=True)
    return took


def _swap_in(paths: runtime.Paths, staging: Path, database: str) -> None:
    """Replace the live store and transaction logs of `database` with the imported ones."""
    old = staging / "replaced"
    old.mkdir(exist_ok=True)
    for sub in ("databases", "transactions"):
        if not (staging / "data" / sub / database).exists():
            raise GraphError(f"neo4j-admin import wrote no {sub}/{database}; nothing was changed")
    for sub in ("databases", "transactions"):
        live = paths.data_dir / sub / database
        new = staging / "data" / sub / database
        live.parent.mkdir(parents=True, exist_ok=True)
        if live.exists():
            live.rename(old / sub)
        new.rename(live)
