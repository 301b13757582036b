# The two commands of the README: `make run` and `make test`. Everything they need is set up here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EVIGRAPH := $(BIN)/evigraph

.PHONY: run test install install-dev lint typecheck unit neo4j-start neo4j-stop clean-test kgx-venv trapi-venv hpo3-venv hpoa-supplement

# The kgx and TRAPI-validator extras live in their own venvs (kgx pins click<8.2, the TRAPI
# validator needs linkml-runtime>=1.11 and so click>=8.2, evigraph pins pydantic 2.14.3): each is
# installed from its lock with --no-deps, so a fresh machine gets exactly the tested set.
KGX_VENV := .venv-kgx
TRAPI_VENV := .venv-trapi

$(KGX_VENV)/.installed: requirements/kgx.lock
	@test -x $(KGX_VENV)/bin/python || $(PYTHON) -m venv $(KGX_VENV)
	$(KGX_VENV)/bin/python -m pip install -q --no-deps -r requirements/kgx.lock
	@touch $@

$(TRAPI_VENV)/.installed: requirements/trapi.lock
	@test -x $(TRAPI_VENV)/bin/python || $(PYTHON) -m venv $(TRAPI_VENV)
	$(TRAPI_VENV)/bin/python -m pip install -q --no-deps -r requirements/trapi.lock
	@touch $@

# hpo3 installs a module named pyhpo too: its own venv, read through a subprocess.
HPO3_VENV := .venv-hpo3
SUPPLEMENT := var/hpo/hpoa-supplement.jsonl

$(HPO3_VENV)/.installed: requirements/hpo3.lock
	@test -x $(HPO3_VENV)/bin/python || $(PYTHON) -m venv $(HPO3_VENV)
	$(HPO3_VENV)/bin/python -m pip install -q --no-deps -r requirements/hpo3.lock
	@touch $@

hpo3-venv: $(HPO3_VENV)/.installed

# The OMIM diseases HPO's newer release (in hpo3) adds to the pinned one; `ingest all` loads it.
$(SUPPLEMENT): $(HPO3_VENV)/.installed $(VENV)/.installed ingest/hpo3_dump.py ingest/hpoa_supplement.py
	$(EVIGRAPH) ingest export-hpoa-supplement

hpoa-supplement: $(SUPPLEMENT)

kgx-venv: $(KGX_VENV)/.installed

trapi-venv: $(TRAPI_VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed

## make run: install, fetch and start the local Neo4j, apply the schema, run the main job,
## embed the entity names, train the default CAFF evidence filter when there is none (or it was
## trained with another config), start training the missing extraction models as a background
## job (`evigraph models status|stop`; log in var/train/), and serve the API meanwhile on
## EVIGRAPH_API__HOST:EVIGRAPH_API__PORT (default 127.0.0.1:8000; it prints an example curl;
## Ctrl-C stops the API, not the training). Neo4j listens on EVIGRAPH_NEO4J__BOLT_PORT (7687).
## Each extraction endpoint answers 503 with its training state until its model is ready.
run: install hpoa-supplement
	$(EVIGRAPH) neo4j start
	$(EVIGRAPH) db init
	$(EVIGRAPH) ingest all --if-empty
	$(EVIGRAPH) stats
	$(EVIGRAPH) embeddings
	$(EVIGRAPH) caff train --config retained_head --if-missing
	$(EVIGRAPH) models train
	$(EVIGRAPH) serve

## make test: a separate test Neo4j (own port and data directory), ruff, mypy, pytest.
test: install-dev kgx-venv trapi-venv hpo3-venv
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
