// Drugs that extracted adverse-event statements (CAUSES_ADVERSE_EVENT, written by the
// extractors) link to a phenotype or adverse event, ranked by the number of documents, with
// the best-scored sentences (and their documents) that say so.
// @param phenotype: str                  an HP term or adverse-event id, e.g. HP:0001919
// @param include_subclasses: bool = false  also statements about descendants of an HP term
// @param min_score: float = 0.0          the lowest model score counted
// @param limit: int = 20                 the most drugs returned
MATCH (p:Entity {id: $phenotype})
WHERE p:PhenotypicFeature OR p:AdverseEvent
OPTIONAL MATCH (q:PhenotypicFeature)-[:SUBCLASS_OF*1..]->(p)
WHERE $include_subclasses
WITH p, collect(DISTINCT q) AS below
UNWIND [p] + below AS target
MATCH (drug:Drug)-[r:CAUSES_ADVERSE_EVENT]->(target)
WHERE r.score >= $min_score
WITH drug, target, r
ORDER BY r.score DESC, r.document_id
RETURN drug.id AS drug, drug.name AS name, count(DISTINCT r.document_id) AS documents,
       count(r) AS statements, round(max(r.score), 4) AS best_score,
       round(avg(r.score), 4) AS mean_score, collect(DISTINCT target.id)[..10] AS phenotypes,
       collect({document: r.document_id, sentence: r.sentence})[..3] AS sentences
ORDER BY documents DESC, statements DESC, best_score DESC, drug
LIMIT $limit
