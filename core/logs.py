"""Logging is configured once, at program start, by the CLI or the API."""

from __future__ import annotations

import logging
import sys


def configure_logging(level: str = "INFO") -> None:
    """Send log records to stderr, rich-formatted on a terminal and plain otherwise."""
    root = logging.getLogger()
    if getattr(root, "_evigraph_configured", False):
        return
    handler: logging.Handler
    if sys.stderr.isatty():
        from rich.logging import RichHandler

        handler = RichHandler(show_path=False, rich_tracebacks=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("neo4j").setLevel(logging.WARNING)
    root._evigraph_configured = True  # type: ignore[attr-defined]
