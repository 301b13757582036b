// What the retrieval caches depend on: the fingerprint of the latest completed ingest of
// each source, and the extraction runs with their status (a retraction changes it too).
OPTIONAL MATCH (r:IngestRun {status: 'completed'})
WITH r ORDER BY r.started_at DESC
WITH r.source AS source, collect(r.fingerprint)[0] AS fingerprint
WITH collect(source + ':' + coalesce(fingerprint, '')) AS ingest
OPTIONAL MATCH (x:ExtractionRun)
RETURN ingest, collect(x.id + ':' + x.status) AS extraction
