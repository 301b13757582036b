# The evigraph service image; Neo4j runs in its own container (docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY core core
COPY graph graph
COPY cypher cypher
COPY ingest ingest
COPY retrieval retrieval
COPY extraction extraction
COPY api api
COPY cli cli
RUN pip install --no-cache-dir .
# Schema, then the default data when the graph is empty; the evidence API joins this command
# once it exists (see README).
CMD ["sh", "-c", "evigraph db init && evigraph ingest all --if-empty && evigraph stats"]
