// Phenotypes of a disease with their frequency: HPO annotations (a frequency term, n/m or a
// percentage, and its 0..1 value) and Orphanet (frequency class), most frequent first;
// excluded (NOT) phenotypes are listed after the present ones.
// @param disease: str             a disease CURIE, e.g. ORPHA:558 or OMIM:154700
// @param limit: int = 200         the most rows returned
MATCH (d:Disease {id: $disease})-[r:HAS_PHENOTYPE]->(p:PhenotypicFeature)
OPTIONAL MATCH (f:PhenotypicFeature {id: coalesce(r.hpoa_frequency, r.orphanet_frequency_hpo)})
RETURN p.id AS phenotype, p.name AS name, r.negated AS excluded,
       r.hpoa_frequency AS hpoa_frequency, r.hpoa_frequency_value AS frequency_value,
       r.orphanet_frequency AS orphanet_frequency, f.name AS frequency_term,
       r.primary_knowledge_source AS sources
ORDER BY excluded, frequency_value DESC, orphanet_frequency, name
LIMIT $limit
