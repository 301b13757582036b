// The newest unfinished run of an extractor over the same inputs (a run that was killed),
// so that a restart goes on with it instead of opening a second one.
MATCH (r:ExtractionRun {extractor: $extractor, status: 'running'})
WHERE r.inputs = $inputs
RETURN r.id AS id
ORDER BY r.started_at DESC
LIMIT 1
