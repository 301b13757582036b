// One batch of extracted statements, one relationship per piece of evidence (keyed by
// evidence_id: document, spans, statement and model version). Writing the same evidence
// again only adds the run to it; curated relationships carry no evidence_id and never match.
// One branch per extracted relationship type (graph/vocabulary RelType; a unit test
// keeps them equal): a MERGE with a static type finds existing evidence through the index of
// that type's evidence_id uniqueness constraint (cypher/schema/constraints.cypher) instead of
// expanding every relationship between the two nodes (a dynamic type, or no constraint, does:
// many times slower between a drug and an event that many documents pair).
UNWIND $rows AS row
CALL (row) {
  WITH row WHERE row.rel = 'CAUSES_ADVERSE_EVENT'
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:CAUSES_ADVERSE_EVENT {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [], r.extracted_at = datetime(),
                r.extraction_run = $run
  RETURN r
  UNION ALL
  WITH row WHERE row.rel = 'ASSOCIATION'
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:ASSOCIATION {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [], r.extracted_at = datetime(),
                r.extraction_run = $run
  RETURN r
  UNION ALL
  WITH row WHERE row.rel = 'POSITIVE_CORRELATION'
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:POSITIVE_CORRELATION {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [], r.extracted_at = datetime(),
                r.extraction_run = $run
  RETURN r
  UNION ALL
  WITH row WHERE row.rel = 'NEGATIVE_CORRELATION'
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:NEGATIVE_CORRELATION {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [], r.extracted_at = datetime(),
                r.extraction_run = $run
  RETURN r
  UNION ALL
  WITH row WHERE row.rel = 'BIND'
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:BIND {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [], r.extracted_at = datetime(),
                r.extraction_run = $run
  RETURN r
  UNION ALL
  WITH row WHERE row.rel = 'COTREATMENT'
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:COTREATMENT {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [], r.extracted_at = datetime(),
                r.extraction_run = $run
  RETURN r
  UNION ALL
  WITH row WHERE row.rel = 'COMPARISON'
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:COMPARISON {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [], r.extracted_at = datetime(),
                r.extraction_run = $run
  RETURN r
  UNION ALL
  WITH row WHERE row.rel = 'DRUG_INTERACTION'
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:DRUG_INTERACTION {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [], r.extracted_at = datetime(),
                r.extraction_run = $run
  RETURN r
  UNION ALL
  WITH row WHERE row.rel = 'CONVERSION'
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:CONVERSION {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [], r.extracted_at = datetime(),
                r.extraction_run = $run
  RETURN r
  UNION ALL
  WITH row WHERE row.rel = 'INVOLVES_DEVICE'
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:INVOLVES_DEVICE {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [], r.extracted_at = datetime(),
                r.extraction_run = $run
  RETURN r
  UNION ALL
  WITH row WHERE row.rel = 'MENTIONS_PHENOTYPE'
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:MENTIONS_PHENOTYPE {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [], r.extracted_at = datetime(),
                r.extraction_run = $run
  RETURN r
}
WITH r
WHERE NOT $run IN r.extraction_runs
SET r.extraction_runs = r.extraction_runs + $run
RETURN count(r) AS added
