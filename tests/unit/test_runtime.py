from __future__ import annotations

import json
import re
import socket
import zipfile
from pathlib import Path

import pytest

from core.exceptions import RuntimeSetupError
from core.settings import Neo4jSettings
from graph.local import jars, runtime
from graph.local.process import free_port, port_in_use

# Setting names Neo4j 4 used and Neo4j 5's strict validation rejects.
NEO4J4_PREFIXES = ("dbms.connector.", "dbms.memory.", "dbms.directories.", "dbms.default_listen")


def test_conf_uses_neo4j5_names_only(tmp_path: Path) -> None:
    cfg = Neo4jSettings(home=tmp_path / "h", bolt_port=7701, heap="1g", pagecache="256m")
    conf = runtime.render_conf(cfg)
    keys = [line.split("=", 1)[0] for line in conf.splitlines() if "=" in line]
    assert not [k for k in keys if k.startswith(NEO4J4_PREFIXES)]
    assert all(re.fullmatch(r"(server|dbms|db)\.[a-z_.]+", k) for k in keys)
    settings = dict(line.split("=", 1) for line in conf.splitlines() if "=" in line)
    assert settings["server.bolt.listen_address"] == "127.0.0.1:7701"
    assert settings["server.http.enabled"] == "false"
    assert settings["dbms.usage_report.enabled"] == "false"
    assert settings["server.memory.heap.max_size"] == "1g"
    assert settings["server.memory.pagecache.size"] == "256m"
    assert settings["server.directories.data"] == str((tmp_path / "h" / "data").resolve())


def test_conf_opens_the_browser_on_localhost_only_when_asked(tmp_path: Path) -> None:
    cfg = Neo4jSettings(home=tmp_path / "h", bolt_port=7701, http_port=7702)
    conf = dict(
        line.split("=", 1) for line in runtime.render_conf(cfg, browser=True).splitlines()[1:]
    )
    assert conf["server.http.enabled"] == "true"
    assert conf["server.http.listen_address"] == "127.0.0.1:7702"
    assert conf["server.https.enabled"] == "false"
    assert conf["dbms.security.auth_enabled"] == "true"


def test_taken_browser_port_gives_clear_error(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        cfg = Neo4jSettings(home=tmp_path / "h", bolt_port=free_port(), http_port=port)
        with pytest.raises(RuntimeSetupError, match=f"port {port} .*EVIGRAPH_NEO4J__HTTP_PORT"):
            runtime.start(cfg)
        off = cfg.model_copy(update={"browser": False, "java": "no-such-java-bin"})
        with pytest.raises(RuntimeSetupError, match="Java not found"):  # past the port check
            runtime.start(off)


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment', 17),
        ('openjdk version "21" 2023-09-19', 21),
        ('java version "1.8.0_402"', 8),
        ("nonsense", None),
    ],
)
def test_java_major(output: str, major: int | None) -> None:
    assert runtime.java_major(output) == major


def test_taken_port_gives_clear_error(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert port_in_use(port)
        cfg = Neo4jSettings(home=tmp_path / "h", bolt_port=port)
        with pytest.raises(RuntimeSetupError, match=f"port {port} .* already in use"):
            runtime.start(cfg)
    # Nothing was created in the home: the check comes before any write.
    assert not (tmp_path / "h").exists()


def test_missing_java_gives_clear_error(tmp_path: Path) -> None:
    cfg = Neo4jSettings(home=tmp_path / "h", bolt_port=free_port(), java="no-such-java-bin")
    with pytest.raises(RuntimeSetupError, match="Java not found"):
        runtime.start(cfg)


def test_missing_maven_with_empty_cache(tmp_path: Path) -> None:
    cfg = Neo4jSettings(lib_dir=tmp_path / "lib", mvn="no-such-mvn-bin")
    with pytest.raises(RuntimeSetupError, match="Maven not found"):
        jars.ensure(cfg)


def _fake_cache(lib: Path, version: str) -> list[str]:
    lib.mkdir()
    names = [f"{p}{version}.jar" for p in jars.REQUIRED_PREFIXES]
    for n in names:
        with zipfile.ZipFile(lib / n, "w") as zf:
            zf.writestr("x.txt", "x" * 1000)
    (lib / jars.MARKER).write_text(json.dumps({"neo4j_version": version, "jars": names}))
    return names


def test_jar_cache_check_finds_truncated_and_missing_jars(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    names = _fake_cache(lib, "5.26.16")
    assert jars.check(lib, "5.26.16") is None
    assert "settings ask for 5.26.1" in str(jars.check(lib, "5.26.1"))
    jar = lib / names[0]
    jar.write_bytes(jar.read_bytes()[:50])
    assert "not a valid jar" in str(jars.check(lib, "5.26.16"))
    jar.unlink()
    assert "is missing" in str(jars.check(lib, "5.26.16"))
    (lib / jars.MARKER).unlink()
    assert "no completed download" in str(jars.check(lib, "5.26.16"))


def test_broken_cache_without_maven_is_reported(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    names = _fake_cache(lib, "5.26.16")
    (lib / names[1]).write_bytes(b"PK\x03\x04truncated")
    cfg = Neo4jSettings(lib_dir=lib, mvn="no-such-mvn-bin")
    with pytest.raises(RuntimeSetupError, match="Maven not found"):
        jars.ensure(cfg)
    # The broken cache is left as it was for inspection; nothing else was removed.
    assert sorted(p.name for p in lib.glob("*.jar")) == sorted(names)


def test_external_uri_starts_nothing(tmp_path: Path) -> None:
    cfg = Neo4jSettings(uri="neo4j://elsewhere:7687", home=tmp_path / "h")
    with pytest.raises(RuntimeSetupError, match="EVIGRAPH_NEO4J__URI is set"):
        runtime.start(cfg)
    assert runtime.status(cfg) == {"managed": False, "uri": "neo4j://elsewhere:7687"}
