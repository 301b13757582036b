// The input fingerprint and files (JSON: path, sha256, release, bytes each) of the source's
// latest run that wrote (or tried to), when that run completed; nulls when none did or when a
// later run failed, was killed or is still running: its partial writes mean the graph no
// longer equals the completed run's content.
MATCH (r:IngestRun {source: $source})
WHERE r.status <> 'unchanged'
WITH r
ORDER BY r.started_at DESC
LIMIT 1
WITH r, r.status = 'completed' AS done
RETURN CASE WHEN done THEN r.fingerprint END AS fingerprint,
       CASE WHEN done THEN r.files END AS files
