// Extraction runs of an extractor still marked running: going on elsewhere, or killed
// mid-write (their params hold the writer's host and pid).
MATCH (r:ExtractionRun {extractor: $extractor})
WHERE r.status = 'running'
RETURN r.id AS id, r.params AS params
