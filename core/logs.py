"""Logging is configured once, at program start, by the CLI or the API."""

from __future__ import annotations

import logging
import sys

# Third-party loggers whose INFO records read like failures or are of no use to the user:
# faiss's loader reports each CPU-specific library it could not find (two ModuleNotFoundErrors
# on a machine without AVX-512) before it loads the generic one.
QUIET = ("neo4j", "faiss")


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
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    root._evigraph_configured = True  # type: ignore[attr-defined]
