MATCH (r:IngestRun)
RETURN r.id AS id, r.source AS source, r.status AS status, r.release AS release,
       toString(r.started_at) AS started_at, toString(r.finished_at) AS finished_at,
       r.counts AS counts, r.error AS error, r.files AS files, r.fingerprint AS fingerprint,
       coalesce(r.mode, CASE r.status WHEN 'unchanged' THEN 'skipped' ELSE 'transactional' END) AS mode
ORDER BY r.started_at DESC
LIMIT $limit
