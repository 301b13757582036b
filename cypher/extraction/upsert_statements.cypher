// One batch of extracted statements, one relationship per piece of evidence (keyed by
// evidence_id: document, spans, statement and model version). Writing the same evidence
// again only adds the run to it; curated relationships carry no evidence_id and never match.
UNWIND $rows AS row
MATCH (s:Entity {id: row.subject})
MATCH (o:Entity {id: row.object})
MERGE (s)-[r:$(row.rel) {evidence_id: row.evidence_id}]->(o)
ON CREATE SET r += row.props, r.extraction_runs = [], r.extracted_at = datetime(),
              r.extraction_run = $run
WITH r
WHERE NOT $run IN r.extraction_runs
SET r.extraction_runs = r.extraction_runs + $run
RETURN count(r) AS added
