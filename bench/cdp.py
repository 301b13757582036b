"""A headless Chromium driven over the Chrome DevTools Protocol through a pipe
(`--remote-debugging-pipe`: JSON commands on fd 3, answers and events on fd 4, each ended by a
NUL byte), so no WebDriver, websocket package or downloaded browser is needed. Used by
bench/browser.py to check Neo4j Browser as a person would: click, type, read, screenshot."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from core.exceptions import EvigraphError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class BrowserCheckError(EvigraphError):
    """The Browser check could not be done or did not see what it expected."""


def find_chromium(given: str | None) -> str:
    """The Chromium executable: `given`, else the first of CANDIDATES on PATH."""
    for name in [given] if given else CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    raise BrowserCheckError(
        f"Chromium not found ({given or ', '.join(CANDIDATES)} not on PATH): install it "
        "(Debian: apt-get install chromium) or pass --chromium PATH"
    )


def _pipes_at_3_and_4(to_child: int, from_child: int) -> None:
    """In the child before exec: the command pipe on fd 3, the answer pipe on fd 4."""
    a, b = os.dup(to_child), os.dup(from_child)
    os.dup2(a, 3)
    os.dup2(b, 4)
    os.set_inheritable(3, True)
    os.set_inheritable(4, True)


class Chromium:
    """One headless Chromium with a fresh profile, and one page attached to it."""

    def __init__(self, exe: str, log: Path, width: int = 1400, height: int = 1000) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="evigraph-chromium-"))
        to_child, self._out = os.pipe()
        self._in, from_child = os.pipe()
        args = [
            exe,
            "--headless=new",
            "--remote-debugging-pipe",
            f"--user-data-dir={self.profile}",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--window-size={width},{height}",
            *(["--no-sandbox"] if os.geteuid() == 0 else []),  # Chromium refuses root otherwise
            "about:blank",
        ]
        with log.open("ab") as err:
            self.proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=err,
                stderr=err,
                close_fds=False,  # fds 3 and 4 must survive; Python's own fds are non-inheritable
                preexec_fn=lambda: _pipes_at_3_and_4(to_child, from_child),
                start_new_session=True,
            )
        os.close(to_child)
        os.close(from_child)
        self._buf = b""
        self._id = 0
        self.session: str | None = None

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        timeout: float = 30.0,
        browser: bool = False,
    ) -> dict[str, Any]:
        """Send one command (to the page unless `browser`) and return its result."""
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if self.session and not browser:
            msg["sessionId"] = self.session
        try:
            os.write(self._out, json.dumps(msg).encode() + b"\0")
        except BrokenPipeError as e:
            raise BrowserCheckError(f"Chromium exited (rc {self.proc.poll()})") from e
        deadline = time.monotonic() + timeout
        while True:
            answer = self._next(deadline, method)
            if answer.get("id") == self._id:
                if "error" in answer:
                    raise BrowserCheckError(f"Chromium refused {method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result

    def _next(self, deadline: float, method: str) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise BrowserCheckError(f"Chromium did not answer {method} in time")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise BrowserCheckError(f"Chromium exited (rc {self.proc.poll()}) during {method}")
            self._buf += chunk
        raw, _, self._buf = self._buf.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        return message

    def open(self, url: str) -> None:
        """A new page at `url`; later commands go to it."""
        target = self.send("Target.createTarget", {"url": "about:blank"}, browser=True)
        attached = self.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, browser=True
        )
        self.session = attached["sessionId"]
        self.send("Page.enable")
        self.send("Page.navigate", {"url": url})

    def js(self, expression: str) -> Any:
        """The JSON value of `expression` evaluated in the page."""
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in r:
            raise BrowserCheckError(f"page script failed: {r['exceptionDetails'].get('text')}")
        return r["result"].get("value")

    def click_at(self, x: float, y: float) -> None:
        for kind in ("mousePressed", "mouseReleased"):
            self.send(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1},
            )

    def insert_text(self, text: str) -> None:
        """Text into the focused element, as typing or an input method would put it."""
        self.send("Input.insertText", {"text": text})

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        with contextlib.suppress(BrowserCheckError):  # it may exit before it answers
            self.send("Browser.close", browser=True, timeout=5.0)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._in, self._out):
            os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)
