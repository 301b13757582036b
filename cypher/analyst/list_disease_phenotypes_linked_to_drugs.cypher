// The phenotypes of a disease that the literature links to drugs: for each present (not
// excluded) phenotype of the disease that extracted adverse-event statements name, how many
// drugs and documents, and the drugs with the most documents first.
// @param disease: str              a disease CURIE, e.g. ORPHA:558
// @param min_score: float = 0.0    the lowest model score counted
// @param limit: int = 100          the most phenotypes returned
MATCH (dis:Disease {id: $disease})-[hp:HAS_PHENOTYPE {negated: false}]->(p:PhenotypicFeature)
MATCH (drug:Drug)-[r:CAUSES_ADVERSE_EVENT]->(p)
WHERE r.score >= $min_score
WITH p, hp, count(DISTINCT drug) AS drugs, count(DISTINCT r.document_id) AS documents
CALL (p) {
  MATCH (drug:Drug)-[r:CAUSES_ADVERSE_EVENT]->(p)
  WHERE r.score >= $min_score
  WITH drug, count(DISTINCT r.document_id) AS n
  ORDER BY n DESC, drug.id
  LIMIT 5
  RETURN collect(drug.id) AS top_drugs
}
RETURN p.id AS phenotype, p.name AS name,
       coalesce(hp.orphanet_frequency, hp.hpoa_frequency) AS frequency, drugs, documents,
       top_drugs
ORDER BY documents DESC, drugs DESC, phenotype
LIMIT $limit
