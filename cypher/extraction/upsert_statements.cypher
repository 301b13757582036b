// One batch of extracted statements, one relationship per piece of evidence (keyed by
// evidence_id: document, spans, statement and model version). Writing the same evidence
// again only adds the run to it; curated relationships carry no evidence_id and never match.
// One subquery per extracted relationship type (graph/vocabulary RelType; a unit test keeps
// them equal), each over the batch's rows of its type: a MERGE with a static type finds
// existing evidence through the index of that type's evidence_id uniqueness constraint
// (cypher/schema/constraints.cypher) instead of expanding every relationship between the two
// nodes (a dynamic type, or no constraint, does: many times slower between a drug and an event
// that many documents pair). One subquery per type over its own rows, not a UNION of branches
// that every row enters: twice as fast (bench/RESULTS.md). The run is written with the
// relationship (ON CREATE) or added to it (ON MATCH): one write per statement.
CALL {
  UNWIND [row IN $rows WHERE row.rel = 'CAUSES_ADVERSE_EVENT'] AS row
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:CAUSES_ADVERSE_EVENT {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [$run], r.extracted_at = datetime(),
                r.extraction_run = $run
  ON MATCH SET r.extraction_runs = CASE WHEN $run IN r.extraction_runs THEN r.extraction_runs
                                   ELSE r.extraction_runs + $run END
  RETURN count(r) AS n0
}
CALL {
  UNWIND [row IN $rows WHERE row.rel = 'ASSOCIATION'] AS row
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:ASSOCIATION {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [$run], r.extracted_at = datetime(),
                r.extraction_run = $run
  ON MATCH SET r.extraction_runs = CASE WHEN $run IN r.extraction_runs THEN r.extraction_runs
                                   ELSE r.extraction_runs + $run END
  RETURN count(r) AS n1
}
CALL {
  UNWIND [row IN $rows WHERE row.rel = 'POSITIVE_CORRELATION'] AS row
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:POSITIVE_CORRELATION {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [$run], r.extracted_at = datetime(),
                r.extraction_run = $run
  ON MATCH SET r.extraction_runs = CASE WHEN $run IN r.extraction_runs THEN r.extraction_runs
                                   ELSE r.extraction_runs + $run END
  RETURN count(r) AS n2
}
CALL {
  UNWIND [row IN $rows WHERE row.rel = 'NEGATIVE_CORRELATION'] AS row
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:NEGATIVE_CORRELATION {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [$run], r.extracted_at = datetime(),
                r.extraction_run = $run
  ON MATCH SET r.extraction_runs = CASE WHEN $run IN r.extraction_runs THEN r.extraction_runs
                                   ELSE r.extraction_runs + $run END
  RETURN count(r) AS n3
}
CALL {
  UNWIND [row IN $rows WHERE row.rel = 'BIND'] AS row
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:BIND {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [$run], r.extracted_at = datetime(),
                r.extraction_run = $run
  ON MATCH SET r.extraction_runs = CASE WHEN $run IN r.extraction_runs THEN r.extraction_runs
                                   ELSE r.extraction_runs + $run END
  RETURN count(r) AS n4
}
CALL {
  UNWIND [row IN $rows WHERE row.rel = 'COTREATMENT'] AS row
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:COTREATMENT {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [$run], r.extracted_at = datetime(),
                r.extraction_run = $run
  ON MATCH SET r.extraction_runs = CASE WHEN $run IN r.extraction_runs THEN r.extraction_runs
                                   ELSE r.extraction_runs + $run END
  RETURN count(r) AS n5
}
CALL {
  UNWIND [row IN $rows WHERE row.rel = 'COMPARISON'] AS row
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:COMPARISON {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [$run], r.extracted_at = datetime(),
                r.extraction_run = $run
  ON MATCH SET r.extraction_runs = CASE WHEN $run IN r.extraction_runs THEN r.extraction_runs
                                   ELSE r.extraction_runs + $run END
  RETURN count(r) AS n6
}
CALL {
  UNWIND [row IN $rows WHERE row.rel = 'DRUG_INTERACTION'] AS row
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:DRUG_INTERACTION {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [$run], r.extracted_at = datetime(),
                r.extraction_run = $run
  ON MATCH SET r.extraction_runs = CASE WHEN $run IN r.extraction_runs THEN r.extraction_runs
                                   ELSE r.extraction_runs + $run END
  RETURN count(r) AS n7
}
CALL {
  UNWIND [row IN $rows WHERE row.rel = 'CONVERSION'] AS row
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:CONVERSION {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [$run], r.extracted_at = datetime(),
                r.extraction_run = $run
  ON MATCH SET r.extraction_runs = CASE WHEN $run IN r.extraction_runs THEN r.extraction_runs
                                   ELSE r.extraction_runs + $run END
  RETURN count(r) AS n8
}
CALL {
  UNWIND [row IN $rows WHERE row.rel = 'INVOLVES_DEVICE'] AS row
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:INVOLVES_DEVICE {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [$run], r.extracted_at = datetime(),
                r.extraction_run = $run
  ON MATCH SET r.extraction_runs = CASE WHEN $run IN r.extraction_runs THEN r.extraction_runs
                                   ELSE r.extraction_runs + $run END
  RETURN count(r) AS n9
}
CALL {
  UNWIND [row IN $rows WHERE row.rel = 'MENTIONS_PHENOTYPE'] AS row
  MATCH (s:Entity {id: row.subject})
  MATCH (o:Entity {id: row.object})
  MERGE (s)-[r:MENTIONS_PHENOTYPE {evidence_id: row.evidence_id}]->(o)
  ON CREATE SET r += row.props, r.extraction_runs = [$run], r.extracted_at = datetime(),
                r.extraction_run = $run
  ON MATCH SET r.extraction_runs = CASE WHEN $run IN r.extraction_runs THEN r.extraction_runs
                                   ELSE r.extraction_runs + $run END
  RETURN count(r) AS n10
}
RETURN n0 + n1 + n2 + n3 + n4 + n5 + n6 + n7 + n8 + n9 + n10 AS written
