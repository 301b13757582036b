"""Process and port helpers for the local server (Linux /proc based)."""

from __future__ import annotations

import contextlib
import errno
import os
import socket
from pathlib import Path


def read_pid(pid_file: Path) -> int | None:
    try:
        text = pid_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return int(text) if text.isdigit() else None


def is_neo4j_process(pid: int, home: Path) -> bool:
    """True when `pid` is a live Neo4j server started for this home (not a reused pid)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        stat = Path(f"/proc/{pid}/stat").read_text(errors="replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return False
    if ") Z" in stat:
        return False
    args = raw.decode(errors="replace").split("\0")
    return "org.neo4j.server.CommunityEntryPoint" in args and f"--home-dir={home}" in args


def pid_alive(pid: object) -> bool:
    """True when `pid` names a live process of this host (a zombie counts as gone)."""
    if not isinstance(pid, int) or pid <= 0:  # kill(-1) would signal every process
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and ") Z" in stat.read_text(errors="replace"))


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (for throw-away servers in tests and benchmarks)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """True when something already listens on host:port (we could not bind it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # Mirror the server, which sets SO_REUSEADDR: sockets in TIME_WAIT are not a conflict.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            if e.errno in (errno.EADDRINUSE, errno.EACCES):
                return True
            raise
    return False


def tail(path: Path, lines: int) -> str:
    with contextlib.suppress(FileNotFoundError):
        text = path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])
    return f"({path} does not exist)"
