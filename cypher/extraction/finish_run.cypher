MATCH (r:ExtractionRun {id: $id})
SET r.status = $status, r.finished_at = datetime(), r.counts = $counts, r.error = $error
