"""Analyst Cypher: one READ transaction with a server-side timeout and a row limit.

Only graph/ talks to the driver, so the API hands the query text here. The transaction is
opened in READ access mode, which makes the database refuse every write however it is
disguised; `cypher_guard` screens what access mode does not cover."""

from __future__ import annotations

import base64
import logging
import time
from dataclasses import dataclass
from typing import Any

from neo4j import Driver
from neo4j.exceptions import (
    ClientError,
    DatabaseError,
    DriverError,
    Neo4jError,
    TransientError,
)
from neo4j.graph import Node, Path, Relationship
from neo4j.spatial import Point
from neo4j.time import Date, DateTime, Duration, Time

from core.exceptions import (
    GraphError,
    GraphUnavailableError,
    QueryInvalidError,
    QueryRejectedError,
    QueryTimeoutError,
)
from graph import cypher_guard

logger = logging.getLogger(__name__)


@dataclass
class UserQueryResult:
    columns: list[str]
    rows: list[list[Any]]  # JSON-ready values, at most `row_limit` rows
    truncated: bool  # the query had more rows than the limit
    elapsed_ms: float


def run_read_only(
    driver: Driver,
    database: str,
    text: str,
    params: dict[str, Any],
    *,
    timeout_s: float,
    row_limit: int,
) -> UserQueryResult:
    """Run `text` read-only; raise QueryRejectedError, QueryInvalidError or QueryTimeoutError
    with the database's reason; connection errors pass up for the caller to wrap."""
    cypher_guard.check_read_only(text)
    logger.debug("user query %.300r params=%.300r", text, params)
    t0 = time.perf_counter()
    fetch = min(row_limit + 1, 1000)
    try:
        with (
            driver.session(database=database, default_access_mode="READ", fetch_size=fetch) as s,
            s.begin_transaction(timeout=timeout_s) as tx,
        ):
            # The text is the analyst's query by design; it runs read-only and never
            # gets request values formatted into it (parameters travel separately).
            result = tx.run(text, params)
            columns = list(result.keys())
            rows: list[list[Any]] = []
            truncated = False
            for record in result:
                if len(rows) == row_limit:
                    truncated = True
                    break
                rows.append([to_json(v) for v in record.values()])
            tx.rollback()  # nothing to commit; also stops streaming the rows beyond the limit
    except ClientError as e:
        raise classify_client_error(e) from e
    except TransientError as e:
        code = e.code or ""
        if "TimedOut" in code or code.endswith(".Terminated"):
            raise QueryTimeoutError(f"the query was stopped: {e.message or e}") from e
        if "Memory" in code:
            raise QueryInvalidError(f"the query needs too much memory: {e.message or e}") from e
        raise GraphUnavailableError(f"Neo4j is busy or restarting: {e.message or e}") from e
    except DatabaseError as e:
        # Seen on 5.26: a query starting with '*' fails in the parser with an internal error
        # instead of a syntax error. The analyst's text caused it, so it is their 400.
        logger.warning("database error on a user query %.200r: %s", text, e.message)
        raise QueryInvalidError(
            f"the database could not run this query ({e.code}): {e.message or e}"
        ) from e
    except Neo4jError as e:
        raise GraphError(f"the query failed in the database: {e.message or e}") from e
    except DriverError:
        raise
    return UserQueryResult(columns, rows, truncated, (time.perf_counter() - t0) * 1000)


def classify_client_error(e: ClientError) -> GraphError:
    code = e.code or ""
    message = (e.message or str(e)).strip()
    if code.endswith(".AccessMode") or code.startswith("Neo.ClientError.Security."):
        return QueryRejectedError(
            f"the Cypher endpoint is read-only and the database refused the query: {message}"
        )
    if "TransactionTimedOut" in code or code.endswith(".Terminated"):
        return QueryTimeoutError(f"the query ran past its time limit and was stopped: {message}")
    if "IN TRANSACTIONS" in message.upper() or "implicit transaction" in message:
        return QueryRejectedError(f"CALL {{ }} IN TRANSACTIONS is not allowed: {message}")
    return QueryInvalidError(f"{code.removeprefix('Neo.ClientError.')}: {message}")


def to_json(value: Any) -> Any:
    """A JSON-ready form of a value the driver returns (graph types, temporals, points)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Point):  # before tuple: a Point is a tuple of coordinates
        return {"srid": value.srid, "coordinates": list(value)}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, Node):
        return {
            "element_id": value.element_id,
            "labels": sorted(value.labels),
            "properties": to_json(dict(value)),
        }
    if isinstance(value, Relationship):
        return {
            "element_id": value.element_id,
            "type": value.type,
            "start": value.start_node.element_id if value.start_node else None,
            "end": value.end_node.element_id if value.end_node else None,
            "properties": to_json(dict(value)),
        }
    if isinstance(value, Path):
        return {
            "nodes": [to_json(n) for n in value.nodes],
            "relationships": [to_json(r) for r in value.relationships],
        }
    if isinstance(value, Date | DateTime | Time):
        return value.iso_format()
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)
