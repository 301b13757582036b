// The evidence of an extracted statement: every sentence a model read it from, with the
// document, the character spans, the score, the model and the runs that wrote it.
// @param subject: str             the subject id, e.g. a drug
// @param object: str              the object id, e.g. HP:0001919
// @param type: str = null         only this relationship type (e.g. CAUSES_ADVERSE_EVENT)
// @param limit: int = 100         the most sentences returned
MATCH (s:Entity {id: $subject})-[r]->(o:Entity {id: $object})
WHERE r.evidence_id IS NOT NULL AND ($type IS NULL OR type(r) = $type)
RETURN type(r) AS type, r.predicate AS predicate, r.document_id AS document,
       r.sentence AS sentence, [r.subject_start, r.subject_end] AS subject_span,
       [r.object_start, r.object_end] AS object_span, r.score AS score,
       r.model_name AS model, r.model_version AS model_version,
       r.extraction_runs AS runs, r.evidence_id AS evidence_id
ORDER BY score DESC, document, evidence_id
LIMIT $limit
