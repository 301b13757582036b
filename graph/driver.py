"""The driver factory: the one place a neo4j.Driver is created, with errors that name the URI."""

from __future__ import annotations

import logging

import neo4j
from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired

from core.exceptions import GraphAuthError, GraphUnavailableError
from core.settings import Neo4jSettings

logger = logging.getLogger(__name__)


def create_driver(cfg: Neo4jSettings) -> Driver:
    """A driver for the configured server. Does not connect yet; see `verify`."""
    return GraphDatabase.driver(
        cfg.effective_uri,
        auth=(cfg.user, cfg.password.get_secret_value()),
        connection_timeout=cfg.connection_timeout_s,
        max_transaction_retry_time=cfg.max_retry_time_s,
        # A pooled connection idle for over 2 s is checked before use: after a server restart
        # (the bulk ingest restarts the local one) dead connections are replaced, not used.
        liveness_check_timeout=2.0,
        notifications_min_severity="OFF",
    )


def verify(driver: Driver, cfg: Neo4jSettings) -> None:
    """Check that the server answers and accepts the credentials, or raise a clear error."""
    try:
        driver.verify_connectivity()
    except AuthError as e:
        raise GraphAuthError(auth_message(cfg)) from e
    except (ServiceUnavailable, SessionExpired, OSError) as e:
        raise GraphUnavailableError(unavailable_message(cfg, e)) from e


def unavailable_message(cfg: Neo4jSettings, err: BaseException) -> str:
    hint = (
        "start it with `evigraph neo4j start`"
        if cfg.managed
        else "check that the server at EVIGRAPH_NEO4J__URI is running and reachable"
    )
    return f"Neo4j is not reachable at {cfg.effective_uri} ({_first_line(err)}); {hint}."


def auth_message(cfg: Neo4jSettings) -> str:
    return (
        f"Neo4j at {cfg.effective_uri} refused the credentials of user {cfg.user!r}: "
        "EVIGRAPH_NEO4J__PASSWORD does not match the server's password"
        + (
            f" (the local server keeps the password it was first started with in {cfg.home}/data)."
            if cfg.managed
            else "."
        )
    )


def wrap_driver_error(
    cfg: Neo4jSettings, err: neo4j.exceptions.Neo4jError | Exception
) -> Exception:
    """Translate connection-level driver errors into evigraph errors; others pass through."""
    if isinstance(err, AuthError):
        return GraphAuthError(auth_message(cfg))
    if isinstance(err, ServiceUnavailable | SessionExpired):
        return GraphUnavailableError(unavailable_message(cfg, err))
    return err


def _first_line(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0][:200]
