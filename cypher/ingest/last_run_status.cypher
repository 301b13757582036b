// The status of the source's latest run that wrote (or tried to); null when none did.
MATCH (r:IngestRun {source: $source})
WHERE r.status <> 'unchanged'
RETURN r.status AS status
ORDER BY r.started_at DESC
LIMIT 1
