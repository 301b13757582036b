"""The Neo4j jar cache: fetched once from Maven Central with `mvn`, checked at every start."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import tempfile
import zipfile
from importlib import resources
from pathlib import Path

from core.exceptions import RuntimeSetupError
from core.settings import Neo4jSettings

logger = logging.getLogger(__name__)

MARKER = ".evigraph-jars.json"
# A few jars without which the server or its admin tool cannot start.
REQUIRED_PREFIXES = ("neo4j-server-", "neo4j-command-line-", "neo4j-bolt-", "neo4j-kernel-")


def check(lib_dir: Path, version: str) -> str | None:
    """None when the cache is complete for `version`, else what is wrong with it."""
    marker = lib_dir / MARKER
    if not marker.exists():
        return f"{lib_dir} has no completed download (no {MARKER})"
    try:
        meta = json.loads(marker.read_text(encoding="utf-8"))
        listed: list[str] = meta["jars"]
    except (ValueError, KeyError, TypeError) as e:
        return f"{marker} is unreadable ({e})"
    if meta.get("neo4j_version") != version:
        return f"cache holds Neo4j {meta.get('neo4j_version')}, settings ask for {version}"
    for prefix in REQUIRED_PREFIXES:
        if not any(name.startswith(prefix) for name in listed):
            return f"no {prefix}*.jar listed in {marker}"
    for name in listed:
        problem = _jar_problem(lib_dir / name)
        if problem:
            return problem
    return None


def _jar_problem(jar: Path) -> str | None:
    if not jar.is_file():
        return f"{jar} is missing"
    try:
        with zipfile.ZipFile(jar) as zf:  # reads the central directory: catches truncation
            zf.infolist()
    except (zipfile.BadZipFile, OSError) as e:
        return f"{jar} is not a valid jar ({e})"
    return None


def ensure(cfg: Neo4jSettings, force: bool = False) -> Path:
    """The jar directory, downloading (or repairing) it first when needed."""
    lib_dir = cfg.lib_dir.resolve()
    problem = "re-download requested" if force else check(lib_dir, cfg.neo4j_version)
    if problem is None:
        return lib_dir
    if lib_dir.exists():
        # Jars are derived files, never user data: a broken cache is rebuilt, not patched.
        logger.warning("Neo4j jar cache unusable (%s); fetching it again", problem)
    fetch(cfg, lib_dir)
    still = check(lib_dir, cfg.neo4j_version)
    if still:
        raise RuntimeSetupError(f"the freshly fetched jar cache is unusable: {still}")
    return lib_dir


def fetch(cfg: Neo4jSettings, lib_dir: Path) -> None:
    mvn = shutil.which(cfg.mvn)
    if not mvn:
        raise RuntimeSetupError(
            f"Maven not found ({cfg.mvn!r} is not on PATH) and the Neo4j jars are not cached in "
            f"{lib_dir}. Install Maven (`apt-get install maven`) or set EVIGRAPH_NEO4J__MVN."
        )
    lib_dir.parent.mkdir(parents=True, exist_ok=True)
    logger.info(
        "fetching Neo4j %s jars from Maven Central into %s (about 116 MB, once)",
        cfg.neo4j_version,
        lib_dir,
    )
    with resources.as_file(resources.files("graph.local").joinpath("pom.xml")) as pom:
        staging = Path(tempfile.mkdtemp(prefix=".jars-", dir=lib_dir.parent))
        try:
            _copy_dependencies(mvn, pom, staging, cfg.neo4j_version)
            jars = sorted(p.name for p in staging.glob("*.jar"))
            meta = {"neo4j_version": cfg.neo4j_version, "jars": jars}
            (staging / MARKER).write_text(json.dumps(meta, indent=1), encoding="utf-8")
            if lib_dir.exists():
                shutil.rmtree(lib_dir)
            staging.rename(lib_dir)  # atomic on one filesystem: never a half-filled cache
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    logger.info("Neo4j jars ready: %d files", len(jars))


def _copy_dependencies(mvn: str, pom: Path, out: Path, version: str) -> None:
    cmd = [
        mvn,
        "-q",
        "-B",
        "-f",
        str(pom),
        "dependency:copy-dependencies",
        f"-DoutputDirectory={out}",
        f"-Dneo4j.version={version}",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeSetupError(
            f"`mvn dependency:copy-dependencies` failed (exit {proc.returncode}); is Maven Central "
            f"reachable? Output:\n{(proc.stdout + proc.stderr).strip()[-1500:]}"
        )


BROWSER_ARTIFACT = "org.neo4j.client:neo4j-browser"


def browser_jar(cfg: Neo4jSettings) -> Path:
    return cfg.browser_dir.resolve() / f"neo4j-browser-{cfg.browser_version}.jar"


def ensure_browser(cfg: Neo4jSettings) -> Path | None:
    """The folder holding the Neo4j Browser jar, fetched once (15 MB); None, with a warning,
    when it cannot be had: the server then starts without the Browser."""
    jar = browser_jar(cfg)
    if _jar_problem(jar) is None:
        return jar.parent
    mvn = shutil.which(cfg.mvn)
    if not mvn:
        logger.warning("Maven not found: Neo4j Browser is not served (the server runs without it)")
        return None
    jar.parent.mkdir(parents=True, exist_ok=True)
    logger.info("fetching Neo4j Browser %s from Maven Central (15 MB, once)", cfg.browser_version)
    cmd = [mvn, "-q", "-B", "dependency:copy", f"-DoutputDirectory={jar.parent}"]
    cmd.append(f"-Dartifact={BROWSER_ARTIFACT}:{cfg.browser_version}:jar")
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=jar.parent)
    problem = _jar_problem(jar) if proc.returncode == 0 else (proc.stdout + proc.stderr)[-300:]
    if problem:
        logger.warning("Neo4j Browser not fetched (%s); the server runs without it", problem)
        return None
    return jar.parent
