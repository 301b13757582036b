MATCH (r:IngestRun {id: $id})
SET r.status = 'incomplete', r.superseded_by = $by
