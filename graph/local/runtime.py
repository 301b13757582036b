"""The local Neo4j server: jar cache from Maven Central, neo4j.conf, start, stop and status.

Layout under the runtime home (git-ignored): conf/neo4j.conf, data/, logs/console.log,
run/evigraph-neo4j.pid, plugins/, import/. The jar cache (lib_dir) may be shared between homes.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from neo4j import Driver

from core.exceptions import GraphAuthError, RuntimeSetupError
from core.settings import Neo4jSettings
from graph import queries
from graph.driver import create_driver, verify
from graph.local import jars
from graph.local.process import is_neo4j_process, pid_alive, port_in_use, read_pid, tail

logger = logging.getLogger(__name__)

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_ENTRY_POINT = "org.neo4j.server.startup.Neo4jAdminCommand"
# What Neo4j's own launcher passes on Java 17 (server.jvm.additional in its default neo4j.conf).
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
)


@dataclass(frozen=True)
class Paths:
    home: Path

    @property
    def conf_dir(self) -> Path:
        return self.home / "conf"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "evigraph-neo4j.pid"

    @property
    def console_log(self) -> Path:
        return self.logs_dir / "console.log"


def render_conf(cfg: Neo4jSettings, data_dir: Path | None = None, browser: bool = False) -> str:
    """neo4j.conf with Neo4j 5 setting names only (strict validation rejects anything else).
    `data_dir` points a bulk import at a staging folder instead of the live data; `browser`
    opens the HTTP connector (Neo4j Browser) on 127.0.0.1:http_port."""
    p = Paths(cfg.home.resolve())
    settings = {
        "server.config.strict_validation.enabled": "true",
        "server.directories.data": data_dir or p.data_dir,
        "server.directories.logs": p.logs_dir,
        "server.directories.run": p.home / "run",
        "server.directories.plugins": p.home / "plugins",
        "server.directories.import": p.home / "import",
        "server.default_listen_address": "127.0.0.1",
        "server.bolt.enabled": "true",
        "server.bolt.listen_address": f"127.0.0.1:{cfg.bolt_port}",
        "server.bolt.advertised_address": f"127.0.0.1:{cfg.bolt_port}",
        "server.http.enabled": "true" if browser else "false",
        "server.https.enabled": "false",
        "dbms.usage_report.enabled": "false",
        "dbms.security.auth_enabled": "true",
        "server.memory.heap.initial_size": cfg.heap,
        "server.memory.heap.max_size": cfg.heap,
        "server.memory.pagecache.size": cfg.pagecache,
        # Keep transaction logs small: this is a rebuildable analysis graph, not a ledger.
        "db.tx_log.rotation.retention_policy": "100M size",
        "db.transaction.timeout": "0s",
    }
    if browser:
        settings["server.http.listen_address"] = f"127.0.0.1:{cfg.http_port}"
        settings["server.http.advertised_address"] = f"127.0.0.1:{cfg.http_port}"
    lines = ["# Written by evigraph from its settings at every start; edit the settings, not this."]
    lines += [f"{k}={v}" for k, v in settings.items()]
    return "\n".join(lines) + "\n"


def java_major(version_output: str) -> int | None:
    """The major version from `java -version` output ('openjdk version "17.0.15" ...')."""
    for token in version_output.replace('"', " ").split():
        parts = token.split(".")
        if not parts[0].isdigit() or not ("." in token or token.isdigit()):
            continue
        if parts[0] == "1" and len(parts) > 1 and parts[1].isdigit():
            return int(parts[1])  # the old "1.8.0_402" scheme
        if int(parts[0]) >= 9:
            return int(parts[0])
    return None


def check_java(cfg: Neo4jSettings) -> str:
    """The path of a Java >= 17, or a RuntimeSetupError saying what to install."""
    java = shutil.which(cfg.java)
    if not java:
        raise RuntimeSetupError(
            f"Java not found ({cfg.java!r} is not on PATH): Neo4j 5.26 needs Java 17 or 21. "
            "Install a JDK 17 (e.g. `apt-get install openjdk-17-jre-headless`) or set "
            "EVIGRAPH_NEO4J__JAVA to its java binary."
        )
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    major = java_major(out.stderr + out.stdout)
    if major is None or major < 17:
        raise RuntimeSetupError(
            f"{java} is Java {major or 'of unknown version'}; Neo4j 5.26 needs Java 17 or 21."
        )
    return java


def start(cfg: Neo4jSettings) -> int:
    """Start the local server in the background and wait until Bolt answers; returns its pid."""
    _require_managed(cfg)
    paths = Paths(cfg.home.resolve())
    pid = read_pid(paths.pid_file)
    if pid and is_neo4j_process(pid, paths.home):
        logger.info("Neo4j already running (pid %d) at %s", pid, cfg.effective_uri)
        wait_for_bolt(cfg, pid, paths, deadline=time.monotonic() + cfg.start_timeout_s)
        return pid
    if port_in_use(cfg.bolt_port):
        raise RuntimeSetupError(
            f"port {cfg.bolt_port} on 127.0.0.1 is already in use by another process; stop it "
            "or choose another port with EVIGRAPH_NEO4J__BOLT_PORT."
        )
    java = check_java(cfg)
    _check_http_port(cfg)
    lib = jars.ensure(cfg)
    browser = jars.ensure_browser(cfg) if cfg.browser else None
    _prepare_home(cfg, paths, browser is not None)
    _init_password(cfg, java, lib, paths)
    pid = _spawn(cfg, java, [lib, *([browser] if browser else [])], paths)
    try:
        wait_for_bolt(cfg, pid, paths, deadline=time.monotonic() + cfg.start_timeout_s)
    except GraphAuthError:
        raise
    except Exception:
        _terminate(pid, cfg.stop_timeout_s)
        raise
    return pid


def _check_http_port(cfg: Neo4jSettings) -> None:
    if cfg.browser and port_in_use(cfg.http_port):
        raise RuntimeSetupError(
            f"port {cfg.http_port} on 127.0.0.1 (Neo4j Browser) is already in use by another "
            "process; stop it, choose another port with EVIGRAPH_NEO4J__HTTP_PORT, or set "
            "EVIGRAPH_NEO4J__BROWSER=false."
        )


def browser_url(cfg: Neo4jSettings) -> str | None:
    """Where Neo4j Browser answers when the local server serves it."""
    if not (cfg.managed and cfg.browser and jars.browser_jar(cfg).is_file()):
        return None
    return f"http://127.0.0.1:{cfg.http_port}/browser/"


def _prepare_home(cfg: Neo4jSettings, paths: Paths, browser: bool = False) -> None:
    if paths.data_dir.exists() and not os.access(paths.data_dir, os.W_OK):
        raise RuntimeSetupError(f"data directory {paths.data_dir} is not writable")
    for d in (paths.conf_dir, paths.data_dir, paths.logs_dir, paths.pid_file.parent):
        d.mkdir(parents=True, exist_ok=True)
    (paths.home / "plugins").mkdir(exist_ok=True)
    (paths.home / "import").mkdir(exist_ok=True)
    (paths.conf_dir / "neo4j.conf").write_text(render_conf(cfg, browser=browser), encoding="utf-8")


def admin_env(paths: Paths, conf_dir: Path | None = None) -> dict[str, str]:
    conf = conf_dir or paths.conf_dir
    return {**os.environ, "NEO4J_HOME": str(paths.home), "NEO4J_CONF": str(conf)}


def _init_password(cfg: Neo4jSettings, java: str, lib: Path, paths: Paths) -> None:
    """Set the initial password once, before the very first start of this data directory."""
    if (paths.data_dir / "databases" / "system").exists():
        return
    cmd = [java, "-cp", f"{lib}/*", ADMIN_ENTRY_POINT, "dbms", "set-initial-password"]
    out = subprocess.run(
        [*cmd, cfg.password.get_secret_value()],
        capture_output=True,
        text=True,
        env=admin_env(paths),
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeSetupError(
            "neo4j-admin dbms set-initial-password failed "
            f"(exit {out.returncode}): {(out.stderr or out.stdout).strip()[-800:]}"
        )


def _spawn(cfg: Neo4jSettings, java: str, libs: list[Path], paths: Paths) -> int:
    heap = (f"-Xms{cfg.heap}", f"-Xmx{cfg.heap}")
    classpath = ":".join(f"{lib}/*" for lib in libs)
    cmd = [java, *heap, *JVM_FLAGS, "-cp", classpath, ENTRY_POINT]
    cmd += [f"--home-dir={paths.home}", f"--config-dir={paths.conf_dir}", "--console-mode"]
    with paths.console_log.open("ab") as log:
        log.write(f"\n--- evigraph start {time.strftime('%Y-%m-%dT%H:%M:%S')} ---\n".encode())
        log.flush()
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=admin_env(paths),
            start_new_session=True,  # outlives the CLI; stopped by `evigraph neo4j stop`
        )
    paths.pid_file.write_text(str(proc.pid), encoding="utf-8")
    logger.info("Neo4j starting (pid %d), log %s", proc.pid, paths.console_log)
    return proc.pid


def wait_for_bolt(cfg: Neo4jSettings, pid: int, paths: Paths, deadline: float) -> None:
    """Poll until Bolt accepts our credentials; fail fast if the process dies."""
    driver = create_driver(cfg.model_copy(update={"connection_timeout_s": 2.0}))
    try:
        while True:
            # Liveness only: /proc/<pid>/cmdline reads empty for a moment right after exec.
            if not pid_alive(pid):
                raise RuntimeSetupError(_died_message(paths))
            try:
                verify(driver, cfg)
                if _database_online(driver, cfg, paths):
                    return
            except (GraphAuthError, RuntimeSetupError):
                raise
            except Exception as e:
                if time.monotonic() > deadline:
                    raise RuntimeSetupError(
                        f"Neo4j did not answer on {cfg.effective_uri} within "
                        f"{cfg.start_timeout_s:.0f} s ({e}).\n{_log_excerpt(paths)}"
                    ) from e
            time.sleep(0.5)
    finally:
        driver.close()


def _database_online(driver: Driver, cfg: Neo4jSettings, paths: Paths) -> bool:
    """Bolt answers as soon as the DBMS is up, even when the user database failed to start
    (a damaged store, say): wait for it to be online and report it when it fails."""
    records, _, _ = driver.execute_query(
        queries.load("graph/database_status"), {"database": cfg.database}, database_="system"
    )
    if not records:
        return True  # created at first use by the server's defaults
    status, message = records[0]["status"], records[0]["message"]
    if status == "online":
        return True
    if status == "offline" and message:
        raise RuntimeSetupError(
            f"Neo4j is running but database {cfg.database!r} is offline: {message}. Nothing in "
            f"{paths.data_dir} was changed; see the log for the cause.\n{_log_excerpt(paths)}"
        )
    return False


def stop(cfg: Neo4jSettings) -> bool:
    """SIGTERM the local server and wait for a clean exit; False when it was not running."""
    _require_managed(cfg)
    paths = Paths(cfg.home.resolve())
    pid = read_pid(paths.pid_file)
    if not pid or not is_neo4j_process(pid, paths.home):
        paths.pid_file.unlink(missing_ok=True)
        return False
    _terminate(pid, cfg.stop_timeout_s)
    paths.pid_file.unlink(missing_ok=True)
    return True


def _terminate(pid: int, timeout_s: float) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            finished, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            finished = 0  # not our child: poll for the pid instead
        if finished == pid or not pid_alive(pid):
            return
        time.sleep(0.2)
    raise RuntimeSetupError(
        f"Neo4j (pid {pid}) did not stop within {timeout_s:.0f} s of SIGTERM; it may still be "
        f"flushing. Wait and run `evigraph neo4j stop` again, or `kill -9 {pid}` as a last resort "
        "(the database recovers from its transaction log at the next start)."
    )


def status(cfg: Neo4jSettings) -> dict[str, object]:
    paths = Paths(cfg.home.resolve())
    info: dict[str, object] = {"managed": cfg.managed, "uri": cfg.effective_uri}
    if not cfg.managed:
        return info
    pid = read_pid(paths.pid_file)
    running = bool(pid and is_neo4j_process(pid, paths.home))
    info.update(
        running=running,
        pid=pid if running else None,
        home=str(paths.home),
        log=str(paths.console_log),
        browser=browser_url(cfg) if running else None,
    )
    return info


def _require_managed(cfg: Neo4jSettings) -> None:
    if not cfg.managed:
        raise RuntimeSetupError(
            f"EVIGRAPH_NEO4J__URI is set ({cfg.uri}): evigraph uses that server and manages no "
            "local one. Unset it to use the local server."
        )


def _died_message(paths: Paths) -> str:
    return f"Neo4j exited during start-up.\n{_log_excerpt(paths)}"


def _log_excerpt(paths: Paths) -> str:
    return f"Last lines of {paths.console_log}:\n{tail(paths.console_log, 25)}"
