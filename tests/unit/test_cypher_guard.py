"""The lexical screen of analyst Cypher: what it refuses, and what it must let through."""

from __future__ import annotations

import pytest

from core.exceptions import QueryInvalidError, QueryRejectedError
from graph.cypher_guard import check_read_only, tokenize

REFUSED = {
    "load csv": "LOAD CSV FROM 'https://example.org/x.csv' AS row RETURN row",
    "load csv lower case": "load   csv with headers from 'file:///etc/passwd' as r return r",
    "in transactions": "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10 ROWS",
    "in concurrent transactions": "UNWIND [1] AS x CALL (x) { RETURN x } IN 4 CONCURRENT "
    "TRANSACTIONS RETURN x",
    "dbms procedure": "CALL dbms.listConfig() YIELD name RETURN name",
    "backticked dbms": "CALL `dbms`.`listConfig`()",
    "write procedure": "CALL db.createLabel('Evil')",
    "apoc procedure": "CALL apoc.create.node(['Evil'], {}) YIELD node RETURN node",
    "apoc function": "RETURN apoc.cypher.runFirstColumnSingle('CREATE (n) RETURN n', {})",
    "use system": "USE system SHOW USERS",
    "use backticked": "USE `neo4j` MATCH (n) RETURN n",
    "show users": "SHOW USERS",
    "show transactions": "SHOW TRANSACTIONS YIELD *",
    "terminate": "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "create index": "CREATE INDEX evil IF NOT EXISTS FOR (n:Evil) ON (n.x)",
    "create user": "CREATE USER mallory SET PASSWORD 'x'",
    "drop": "DROP CONSTRAINT entity_id",
    "second statement": "RETURN 1; DROP INDEX entity_name",
}

ALLOWED = {
    "plain read": "MATCH (d:Disease {id: $id})-[r]->(p) RETURN p.id, type(r) LIMIT 5",
    "keywords in strings": "RETURN 'LOAD CSV' AS a, \"CALL dbms.listConfig()\" AS b",
    "keywords in comments": "MATCH (n) // CALL dbms.killQuery()\nRETURN count(n)",
    "block comment": "/* USE system */ MATCH (n) RETURN n LIMIT 1",
    "property named like keywords": "MATCH (n) RETURN n.use, n.terminate, n.load LIMIT 1",
    "fulltext procedure": "CALL db.index.fulltext.queryNodes('entity_text', 'marfan') "
    "YIELD node RETURN node.id",
    "schema procedure": "CALL db.labels() YIELD label RETURN label",
    "show indexes": "SHOW INDEXES YIELD name RETURN name",
    "call subquery": "MATCH (n) CALL (n) { RETURN count(*) AS c } RETURN n.id, c",
    "in list": "MATCH (n) WHERE n.id IN ['HP:1', 'HP:2'] RETURN n",
    "core namespaced function": "RETURN date.truncate('month', date('2025-01-16')) AS d",
    # Writes are left to the database's READ access mode, which refuses them (integration).
    "create is for the database": "CREATE (n:Evil) RETURN n",
}


@pytest.mark.parametrize("query", REFUSED.values(), ids=REFUSED.keys())
def test_refused(query: str) -> None:
    with pytest.raises(QueryRejectedError):
        check_read_only(query)


@pytest.mark.parametrize("query", ALLOWED.values(), ids=ALLOWED.keys())
def test_allowed(query: str) -> None:
    check_read_only(query)


def test_empty_query_is_invalid_not_forbidden() -> None:
    with pytest.raises(QueryInvalidError, match="empty"):
        check_read_only("  // only a comment\n /* and another */")


def test_refusal_names_the_procedure() -> None:
    with pytest.raises(QueryRejectedError, match=r"procedure dbms\.listConfig is not allowed"):
        check_read_only("CALL dbms.listConfig()")


def test_tokenize_unquotes_backticks_and_drops_comments() -> None:
    toks = tokenize("MATCH (`my``node`) /* x */ RETURN 'a' // y")
    assert [t.text for t in toks] == ["MATCH", "(", "my`node", ")", "RETURN", "'a'"]
    assert toks[2].keyword == ""  # a quoted identifier is never a keyword
