// Every ingest and extraction run, for the PROV-O activities of an RDF export.
MATCH (r)
WHERE r:IngestRun OR r:ExtractionRun
RETURN CASE WHEN r:IngestRun THEN 'ingest' ELSE 'extraction' END AS kind, properties(r) AS props
ORDER BY r.id
