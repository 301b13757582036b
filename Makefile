# The two commands of the README: `make run` and `make test`. Everything they need is set up here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EVIGRAPH := $(BIN)/evigraph

.PHONY: run test install install-dev lint typecheck unit neo4j-start neo4j-stop clean-test

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed

## make run: install, fetch and start the local Neo4j, apply the schema, run the main job,
## train the default CAFF evidence filter when there is none (or it was trained with another
## config), embed the entity names,
## then serve the API on 127.0.0.1:8000 (it prints an example curl; Ctrl-C stops it).
run: install
	$(EVIGRAPH) neo4j start
	$(EVIGRAPH) db init
	$(EVIGRAPH) ingest all --if-empty
	$(EVIGRAPH) stats
	$(EVIGRAPH) embeddings
	$(EVIGRAPH) caff train --config retained_head --if-missing
	$(EVIGRAPH) phenotype train --if-missing
	$(EVIGRAPH) extract maude-train --if-missing
	$(EVIGRAPH) extract ade-train --if-missing --tagger-seconds 4800 --gate-seconds 900
	@test -f var/biored/biored.pt || $(EVIGRAPH) extract biored-train
	$(EVIGRAPH) serve --host 127.0.0.1 --port 8000

## make test: a separate test Neo4j (own port and data directory), ruff, mypy, pytest.
test: install-dev
	@bash scripts/test.sh

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy

unit: install-dev
	$(BIN)/pytest tests/unit -q

neo4j-start: install
	$(EVIGRAPH) neo4j start

neo4j-stop: install
	$(EVIGRAPH) neo4j stop
