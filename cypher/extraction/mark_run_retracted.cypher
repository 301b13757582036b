MATCH (r:ExtractionRun {id: $id})
SET r.status = 'retracted', r.retracted_at = datetime()
