// The input files (JSON: path, sha256, release, bytes each) of the source's latest run that
// wrote (or tried to), when that run completed; null otherwise (see
// last_completed_fingerprint).
MATCH (r:IngestRun {source: $source})
WHERE r.status <> 'unchanged'
WITH r
ORDER BY r.started_at DESC
LIMIT 1
RETURN CASE r.status WHEN 'completed' THEN r.files END AS files
