"""Neo4j Browser 5's page as bench/browser.py uses it: the connect form, the editor, the newest
result frame. Elements are found by the data-testid attributes the Browser's own tests use."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from bench.cdp import BrowserCheckError, Chromium

# The newest frame (the Browser puts it first): its command, status bar, error, result table.
NEWEST_FRAME = """(() => {
  const f = document.querySelector('[data-testid=frame]');
  if (!f) return null;
  const text = (sel) => { const e = f.querySelector(sel); return e ? e.innerText.trim() : ''; };
  const cells = (row, sel) => [...row.querySelectorAll(sel)].map(c => c.innerText.trim());
  return {
    command: text('[data-testid=frameCommand]'),
    status: text('[data-testid=frameStatusbar]'),
    error: text('[data-testid=cypherFrameErrorMessage]')
      || (f.innerText.match(/Neo\\.(Client|Transient|Database)Error\\.[^\\n]*/) || [''])[0],
    head: f.querySelector('thead tr') ? cells(f.querySelector('thead tr'), 'th') : [],
    rows: [...f.querySelectorAll('tbody tr')].map(r => cells(r, 'td')),
  };
})()"""
# The connect frame's outcome: connected, refused (an error under the form) or still waiting.
LOGIN_STATE = """(() => {
  const t = document.body.innerText;
  const ok = t.match(/You are connected as user [^\\n]*\\n[^\\n]*/);
  if (ok) return 'ok:' + ok[0].replace('\\n', ' ');
  const err = t.match(/Neo\\.ClientError\\.[^\\n]*/);
  return err ? 'error:' + err[0] : '';
})()"""


def streamed_records(status: str) -> int | None:
    """N from the status bar's 'Started streaming N records after ...'."""
    found = re.search(r"Started streaming (\d+) records?", status)
    return int(found[1]) if found else None


def column_values(head: list[str], rows: list[list[str]], key: str) -> list[str]:
    """The `key` column of a result table as text; the Browser quotes strings ("HP:1")."""
    if key not in head:
        raise BrowserCheckError(f"the result table has no column {key!r} (columns: {head})")
    at = head.index(key)
    out = []
    for row in rows:
        if len(row) != len(head):
            raise BrowserCheckError(f"a table row has {len(row)} cells for {len(head)} columns")
        cell = row[at]
        out.append(json.loads(cell) if cell.startswith('"') else cell)
    return [str(v) for v in out]


def same_command(shown: str, typed: str) -> bool:
    """The frame header shows the command on one line; compare with whitespace collapsed."""
    return " ".join(shown.split()) == " ".join(typed.split())


def wait_for(chromium: Chromium, expression: str, what: str, timeout: float) -> Any:
    """The first truthy value of `expression`, polled; a BrowserCheckError after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = chromium.js(expression)
        if value:
            return value
        time.sleep(0.25)
    raise BrowserCheckError(f"timed out after {timeout:.0f} s waiting for {what}")


def _center(chromium: Chromium, selector: str) -> tuple[float, float] | None:
    box = chromium.js(
        f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return null;"
        " e.scrollIntoView({block: 'center'}); const b = e.getBoundingClientRect();"
        " return [b.x + b.width / 2, b.y + b.height / 2, b.width]; })()"
    )
    return (box[0], box[1]) if box and box[2] > 0 else None


def click(chromium: Chromium, selector: str, timeout: float) -> None:
    """A mouse click in the middle of the element, once it is there."""
    center = _center(chromium, selector)
    if center is None:
        wait_for(chromium, f"!!document.querySelector({json.dumps(selector)})", selector, timeout)
        center = _center(chromium, selector)
    if center is None:
        raise BrowserCheckError(f"{selector} is on the page but not visible")
    chromium.click_at(*center)


def type_into(chromium: Chromium, selector: str, text: str, timeout: float) -> None:
    """Click the element and type `text`, replacing what an input holds. The click is retried
    until the element has the focus: the connect form moves while the Browser probes the
    server, and a click on a stale position lands in the field above."""
    has_focus = (
        f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
        " return !!e && e.contains(document.activeElement); })()"
    )
    deadline = time.monotonic() + timeout
    click(chromium, selector, timeout)
    while not chromium.js(has_focus):
        if time.monotonic() > deadline:
            raise BrowserCheckError(f"could not put the cursor in {selector}")
        time.sleep(0.3)
        click(chromium, selector, timeout)
    chromium.js("document.activeElement.tagName === 'INPUT' && document.activeElement.select()")
    chromium.insert_text(text)


def login(chromium: Chromium, user: str, password: str, timeout: float) -> str:
    """Fill the connect form (the URL came in the address) and connect; what the Browser says."""
    wait_for(
        chromium, "!!document.querySelector('[data-testid=password]')", "the login form", timeout
    )
    for selector, text in (("[data-testid=username]", user), ("[data-testid=password]", password)):
        type_into(chromium, selector, text, timeout)
        if chromium.js(f"document.querySelector({json.dumps(selector)}).value") != text:
            raise BrowserCheckError(f"typing into {selector} did not fill it")
    click(chromium, "[data-testid=connect]", timeout)
    state: str = wait_for(chromium, LOGIN_STATE, "the connection", timeout)
    if state.startswith("error:"):
        raise BrowserCheckError(f"login failed: {state.removeprefix('error:')}")
    return state.removeprefix("ok:")


def run_command(chromium: Chromium, text: str, done: str, timeout: float) -> dict[str, Any]:
    """Type `text` into the editor, press its Run button, and wait until the newest frame is
    this command's and its status bar says `done`; a Neo4j error in the frame fails."""
    type_into(chromium, "[data-testid=activeEditor]", text, timeout)
    click(chromium, "[data-testid=editor-Run]", timeout)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = chromium.js(NEWEST_FRAME)
        if frame and same_command(frame["command"], text):
            if frame["error"]:
                raise BrowserCheckError(f"{_label(text)} failed: {frame['error']}")
            if done in frame["status"]:
                result: dict[str, Any] = frame
                return result
        time.sleep(0.25)
    raise BrowserCheckError(f"no result frame for {_label(text)} in {timeout:.0f} s")


def _label(command: str) -> str:
    """A command's first line that is not a comment, for messages."""
    lines = [x for x in command.splitlines() if x.strip() and not x.lstrip().startswith("//")]
    return repr((lines or [command])[0].strip()[:80])


def show_row(chromium: Chromium, texts: tuple[str, ...]) -> None:
    """Scroll the table to the first row holding all `texts`, with the frame's top (its command)
    in view, for the screenshot."""
    found = chromium.js(
        "(() => { const f = document.querySelector('[data-testid=frame]');"
        " const r = [...f.querySelectorAll('tbody tr')].find(r => "
        f"{json.dumps(list(texts))}.every(t => r.innerText.includes(t)));"
        " if (!r) return false; r.scrollIntoView({block: 'center'});"
        " f.scrollIntoView({block: 'start'}); return true; })()"
    )
    if not found:
        raise BrowserCheckError(f"no table row shows {' and '.join(texts)}")
