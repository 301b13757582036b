// Extracted adverse-drug-event statements that touch the phenotypes of a disease: for each
// present phenotype of the disease, the drugs text says cause it, with how often the disease
// shows the phenotype and how much evidence there is.
// @param disease: str              a disease CURIE, e.g. ORPHA:558
// @param min_score: float = 0.0    the lowest model score counted
// @param limit: int = 100          the most rows returned
MATCH (d:Disease {id: $disease})-[hp:HAS_PHENOTYPE {negated: false}]->(p:PhenotypicFeature)
MATCH (drug:Drug)-[r:CAUSES_ADVERSE_EVENT]->(p)
WHERE r.score >= $min_score
RETURN p.id AS phenotype, p.name AS phenotype_name,
       coalesce(hp.orphanet_frequency, hp.hpoa_frequency) AS frequency,
       drug.id AS drug, drug.name AS drug_name, count(DISTINCT r.document_id) AS documents,
       count(r) AS statements, round(max(r.score), 4) AS best_score
ORDER BY documents DESC, statements DESC, phenotype, drug
LIMIT $limit
