// The adverse events extracted statements say a drug causes, ranked by the number of
// documents, with the best-scored sentences; `kind` says whether the event was linked to an
// HPO phenotype (PhenotypicFeature) or kept as the text's own term (AdverseEvent).
// @param drug: str                 a drug id (DRUG:famotidine, CHEBI:27899) or its name
// @param min_score: float = 0.0    the lowest model score counted
// @param limit: int = 50           the most events returned
MATCH (d:Drug)
WHERE d.id = $drug OR toLower(d.name) = toLower($drug)
MATCH (d)-[r:CAUSES_ADVERSE_EVENT]->(e:Entity)
WHERE r.score >= $min_score
WITH d, e, r
ORDER BY r.score DESC, r.document_id
WITH d, e, count(DISTINCT r.document_id) AS documents, count(r) AS statements,
     max(r.score) AS best, collect({document: r.document_id, sentence: r.sentence})[..3] AS sentences
RETURN d.id AS drug, e.id AS event, e.name AS name,
       CASE WHEN e:PhenotypicFeature THEN 'PhenotypicFeature' ELSE 'AdverseEvent' END AS kind,
       documents, statements, round(best, 4) AS best_score, sentences
ORDER BY documents DESC, statements DESC, best_score DESC, event
LIMIT $limit
