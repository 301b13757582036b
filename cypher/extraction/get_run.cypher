MATCH (r:ExtractionRun {id: $id})
RETURN r.id AS id, r.status AS status, r.extractor AS extractor
