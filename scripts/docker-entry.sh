#!/bin/sh
# The image's command: what `make run` does, against the Neo4j of docker-compose.yml.
# Every step is a no-op when its artefact exists (in the var volume), so a restart serves
# within seconds; the extraction models train in the background behind the live API
# (`docker compose exec evigraph evigraph models status`).
set -eu
evigraph db init
[ -f var/hpo/hpoa-supplement.jsonl ] || evigraph ingest export-hpoa-supplement
evigraph ingest all --if-empty
evigraph stats
evigraph embeddings
evigraph caff train --config retained_head --if-missing
evigraph models train
exec evigraph serve --host 0.0.0.0
