// The input fingerprint of the source's latest run that wrote (or tried to), when that run
// completed; null when none did or when a later run failed, was killed or is still running:
// its partial writes mean the graph no longer equals the completed run's content.
MATCH (r:IngestRun {source: $source})
WHERE r.status <> 'unchanged'
WITH r
ORDER BY r.started_at DESC
LIMIT 1
RETURN CASE r.status WHEN 'completed' THEN r.fingerprint END AS fingerprint
