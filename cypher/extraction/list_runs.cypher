MATCH (r:ExtractionRun)
WHERE $extractor IS NULL OR r.extractor = $extractor
RETURN r.id AS id, r.extractor AS extractor, r.status AS status, r.model_name AS model_name,
       r.model_version AS model_version, toString(r.started_at) AS started_at,
       toString(r.finished_at) AS finished_at, r.counts AS counts, r.error AS error
ORDER BY r.started_at DESC
LIMIT $limit
