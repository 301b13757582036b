// A run killed mid-write, found by a later run, which retracted what it had written.
MATCH (r:ExtractionRun {id: $id})
SET r.status = 'incomplete', r.superseded_by = $by, r.finished_at = datetime()
