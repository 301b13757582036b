// The input fingerprint of the source's latest completed run (null when none).
MATCH (r:IngestRun {source: $source})
WHERE r.status = 'completed'
RETURN r.fingerprint AS fingerprint
ORDER BY r.started_at DESC
LIMIT 1
