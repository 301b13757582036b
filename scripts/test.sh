#!/usr/bin/env bash
# `make test`: lint, type-check, then unit and integration tests against a separate Neo4j
# (port 7688, data in .neo4j-test/), which is stopped again however the tests end.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

# The test server never shares a port or data directory with the user's server.
unset EVIGRAPH_NEO4J__URI
export EVIGRAPH_NEO4J__HOME="$PWD/.neo4j-test"
export EVIGRAPH_NEO4J__LIB_DIR="$PWD/.neo4j/lib"
export EVIGRAPH_NEO4J__BOLT_PORT="${EVIGRAPH_TEST_BOLT_PORT:-7688}"
export EVIGRAPH_NEO4J__PASSWORD="evigraph-test"
export EVIGRAPH_NEO4J__HEAP="${EVIGRAPH_TEST_HEAP:-1g}"
# Integration tests wipe their database; they run only where this says it is the test server.
export EVIGRAPH_TEST_SERVER=1
export EVIGRAPH_NEO4J__PAGECACHE="${EVIGRAPH_TEST_PAGECACHE:-512m}"
# No Neo4j Browser (HTTP on 7474) for test servers: several may run beside the user's server.
export EVIGRAPH_NEO4J__BROWSER=false

echo "== ruff"
$BIN/ruff check .
$BIN/ruff format --check .
echo "== mypy"
$BIN/mypy
echo "== test Neo4j on port $EVIGRAPH_NEO4J__BOLT_PORT"
$BIN/evigraph neo4j start
trap '$BIN/evigraph neo4j stop || true' EXIT
echo "== pytest"
$BIN/pytest "$@"
