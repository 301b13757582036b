// Runs of a source that never finished: still going elsewhere, or killed mid-write.
MATCH (r:IngestRun {source: $source})
WHERE r.status = 'running'
RETURN r.id AS id, r.host AS host, r.pid AS pid, toString(r.started_at) AS started_at
