"""GraphStore: named-query reads and batched writes, the only gateway from packages to Neo4j."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, LiteralString

import neo4j
from neo4j import Driver, ManagedTransaction, RoutingControl
from neo4j.exceptions import DriverError, Neo4jError, TransientError

from core.exceptions import GraphError, GraphUnavailableError, QueryTimeoutError
from core.settings import Neo4jSettings
from graph import queries, user_query
from graph.driver import create_driver, verify, wrap_driver_error
from graph.user_query import UserQueryResult

logger = logging.getLogger(__name__)

Record = dict[str, Any]
# Called after each query with its name and duration in seconds (the API's metrics).
QueryObserver = Callable[[str, float], None]


@dataclass
class WriteCounts:
    nodes_created: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_deleted: int = 0
    properties_set: int = 0
    labels_added: int = 0
    records: list[Record] = field(default_factory=list)  # what the batches RETURNed

    def add(self, counters: Any) -> None:
        self.nodes_created += counters.nodes_created
        self.nodes_deleted += counters.nodes_deleted
        self.relationships_created += counters.relationships_created
        self.relationships_deleted += counters.relationships_deleted
        self.properties_set += counters.properties_set
        self.labels_added += counters.labels_added


class GraphStore:
    """A driver, its database and its settings; passed explicitly, never a module global."""

    def __init__(self, driver: Driver, cfg: Neo4jSettings) -> None:
        self.driver = driver
        self.cfg = cfg
        self.database = cfg.database
        self.observer: QueryObserver | None = None

    @classmethod
    def connect(cls, cfg: Neo4jSettings, *, check: bool = True) -> GraphStore:
        """A store on a new driver. With check=False a server that is down is not an error
        here: the driver connects on first use (the API starts and answers 503 until then)."""
        driver = create_driver(cfg)
        try:
            if check:
                verify(driver, cfg)
        except Exception:
            driver.close()
            raise
        return cls(driver, cfg)

    def ping(self) -> None:
        """Raise GraphUnavailableError (or GraphAuthError) unless the server answers now."""
        verify(self.driver, self.cfg)

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, name: str, *, raw: bool = False, **params: Any) -> list[Record]:
        """Run catalog query `name` in a read transaction and return its records as dicts.
        `raw`: the query returns only plain values (no nodes, relationships or paths), so the
        driver's per-value conversion (`Record.data`) is skipped; the dicts are the same."""
        return self._execute(name, queries.load(name), params, read=True, counts=None, raw=raw)

    def read_timed(self, name: str, timeout_s: float, **params: Any) -> list[Record]:
        """`read(raw=True)` with a server-side transaction timeout: past it the server stops
        the query and QueryTimeoutError is raised."""
        query = queries.load(name)
        return self._execute(
            name, query, params, read=True, counts=None, raw=True, timeout_s=timeout_s
        )

    def write(self, name: str, **params: Any) -> WriteCounts:
        counts = WriteCounts()
        counts.records = self._execute(name, queries.load(name), params, read=False, counts=counts)
        return counts

    def write_rows(
        self,
        name: str,
        rows: Iterable[Record],
        batch_size: int,
        on_batch: Callable[[int], None] | None = None,
        **params: Any,
    ) -> WriteCounts:
        """UNWIND $rows batches of `batch_size`; each batch is one transaction."""
        query = queries.load(name)
        counts = WriteCounts()
        for batch in _batches(rows, batch_size):
            got = self._execute(name, query, {**params, "rows": batch}, read=False, counts=counts)
            counts.records.extend(got)
            if on_batch:
                on_batch(len(batch))
        return counts

    def run_text(
        self, name: str, query: LiteralString, params: dict[str, Any], *, read: bool
    ) -> list[Record]:
        return self._execute(name, query, params, read=read, counts=None)

    def _execute(
        self,
        name: str,
        query: LiteralString,
        params: dict[str, Any],
        *,
        read: bool,
        counts: WriteCounts | None,
        raw: bool = False,
        timeout_s: float | None = None,
    ) -> list[Record]:
        logger.debug("query %s params=%.300r", name, params)
        t0 = time.perf_counter()
        try:
            records, summary, _ = self.driver.execute_query(
                neo4j.Query(query, timeout=timeout_s) if timeout_s else query,
                params,
                database_=self.database,
                routing_=RoutingControl.READ if read else RoutingControl.WRITE,
                # No causal chaining across calls: one server, and a database replaced by the
                # bulk import must not be asked for transaction ids of the one it replaced.
                bookmark_manager_=None,
            )
        except TransientError as e:  # still failing after the driver's retries
            if "TransactionTimedOut" in (e.code or ""):
                raise QueryTimeoutError(f"query {name!r} ran past {timeout_s} s: stopped") from e
            raise GraphUnavailableError(f"query {name!r}: Neo4j is busy or restarting: {e}") from e
        except Neo4jError as e:
            if "TransactionTimedOut" in (e.code or ""):
                raise QueryTimeoutError(f"query {name!r} ran past {timeout_s} s: stopped") from e
            raise GraphError(f"query {name!r} failed: {e.message or e}") from e
        except (DriverError, OSError) as e:
            raise wrap_driver_error(self.cfg, e) from e
        finally:
            if self.observer is not None:
                self.observer(name, time.perf_counter() - t0)
        if counts is not None:
            counts.add(summary.counters)
        if raw:
            return [_plain_dict(r) for r in records]
        return [r.data() for r in records]

    def read_user_query(
        self, text: str, params: dict[str, Any], *, timeout_s: float, row_limit: int
    ) -> UserQueryResult:
        """An analyst's Cypher in a READ transaction with a timeout and a row limit; writes,
        LOAD CSV, admin commands and procedures off the allow-list are refused."""
        t0 = time.perf_counter()
        try:
            return user_query.run_read_only(
                self.driver,
                self.database,
                text,
                params,
                timeout_s=timeout_s,
                row_limit=row_limit,
            )
        except (DriverError, OSError) as e:
            raise wrap_driver_error(self.cfg, e) from e
        finally:
            if self.observer is not None:
                self.observer("user_query", time.perf_counter() - t0)

    def run_auto(self, name: str, **params: Any) -> list[Record]:
        """Run a catalog query in an auto-commit transaction: needed by CALL { } IN TRANSACTIONS,
        which batches its own commits. The query must be safe to repeat after a failure."""
        query = queries.load(name)
        logger.debug("auto-commit query %s params=%.300r", name, params)
        try:
            with self.driver.session(database=self.database) as session:
                return [r.data() for r in session.run(query, params)]
        except Neo4jError as e:
            raise GraphError(f"query {name!r} failed: {e.message or e}") from e
        except (DriverError, OSError) as e:
            raise wrap_driver_error(self.cfg, e) from e

    def stream(
        self, name: str, *, fetch_size: int = 5000, raw: bool = False, **params: Any
    ) -> Iterator[Record]:
        """Yield the records of a read query one by one, never holding them all in memory.
        `raw`: the query returns only plain values (no nodes, relationships or paths), so the
        driver's per-value conversion (`Record.data`, about 3x the decoding cost) is skipped."""
        query = queries.load(name)
        try:
            with self.driver.session(
                database=self.database,
                default_access_mode="READ",
                fetch_size=fetch_size,
            ) as session:
                for record in session.run(query, params):
                    yield _plain_dict(record) if raw else record.data()
        except Neo4jError as e:
            raise GraphError(f"query {name!r} failed: {e.message or e}") from e
        except (DriverError, OSError) as e:
            raise wrap_driver_error(self.cfg, e) from e

    def read_only(self, name: str, **params: Any) -> list[Record]:
        """Run catalog query `name` in an explicit read transaction: the server refuses any
        write it attempts (used for queries whose text users bring or choose)."""
        query = queries.load(name)
        logger.debug("read-only query %s params=%.300r", name, params)

        def work(tx: ManagedTransaction) -> list[Record]:
            return [r.data() for r in tx.run(query, params)]

        try:
            with self.driver.session(database=self.database, default_access_mode="READ") as s:
                result: list[Record] = s.execute_read(work)
                return result
        except Neo4jError as e:
            raise GraphError(f"query {name!r} failed: {e.message or e}") from e
        except (DriverError, OSError) as e:
            raise wrap_driver_error(self.cfg, e) from e

    def execute_write(self, name: str, fn: Callable[[ManagedTransaction], Any]) -> Any:
        """A multi-statement unit of work; `fn` may be retried, so it must be safe to run twice."""
        try:
            with self.driver.session(database=self.database) as session:
                return session.execute_write(fn)
        except Neo4jError as e:
            raise GraphError(f"write {name!r} failed: {e.message or e}") from e
        except (DriverError, OSError) as e:
            raise wrap_driver_error(self.cfg, e) from e

    def write_together(self, name: str, steps: Sequence[tuple[str, dict[str, Any]]]) -> WriteCounts:
        """Catalog queries `steps` ((query name, params), in order) in ONE transaction: all of
        them are committed or none. The driver may retry the transaction, so each step must be
        safe to run twice (MERGE)."""
        loaded = [(q, queries.load(q), params) for q, params in steps]

        def work(tx: ManagedTransaction) -> WriteCounts:
            counts = WriteCounts()
            for q, text, params in loaded:
                logger.debug("query %s (in %s) params=%.300r", q, name, params)
                result = tx.run(text, params)
                counts.records.extend(r.data() for r in result)
                counts.add(result.consume().counters)
            return counts

        t0 = time.perf_counter()
        try:
            done: WriteCounts = self.execute_write(name, work)
            return done
        finally:
            if self.observer is not None:
                self.observer(name, time.perf_counter() - t0)

    def stats(self) -> dict[str, dict[str, int]]:
        """{"nodes": {label: count}, "relationships": {type: count}}."""
        nodes = self.read("graph/count_nodes_by_label")
        rels = self.read("graph/count_relationships_by_type")
        return {
            "nodes": {r["label"]: r["count"] for r in nodes},
            "relationships": {r["type"]: r["count"] for r in rels},
        }


def _batches(rows: Iterable[Record], size: int) -> Iterator[Sequence[Record]]:
    batch: list[Record] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _plain_dict(record: neo4j.Record) -> Record:
    """A driver record as a dict without `Record.data`'s per-value conversion: the same dict
    when the query returns only plain values (no nodes, relationships or paths)."""
    return dict(zip(record.keys(), record.values(), strict=True))
