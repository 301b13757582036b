# The evigraph service image; Neo4j runs in its own container (docker-compose.yml).
# The whole tree is copied (.dockerignore leaves out environments, data and artefacts) and
# installed editable, so the runtime folders resolve as in a checkout: artefacts in /app/var
# (a named volume in docker-compose.yml), the shared data at /shared/data.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    EVIGRAPH_API__HOST=0.0.0.0 EVIGRAPH_API__PORT=8000
COPY . .
RUN pip install --no-cache-dir -e .
# hpo3 (HPO's newer annotation release) installs a module named pyhpo too: its own venv.
RUN python -m venv .venv-hpo3 \
    && .venv-hpo3/bin/pip install --no-cache-dir --no-deps -r requirements/hpo3.lock
VOLUME ["/app/var"]
EXPOSE 8000
# First start: schema, ingest, entity index and evidence filter; then the extraction models
# train in the background while the API serves (scripts/docker-entry.sh ends in `serve`).
CMD ["sh", "scripts/docker-entry.sh"]
