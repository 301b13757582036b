// Disease -> phenotype annotations (HPO hpoa and Orphanet), NOT ones included, with their
// frequencies (hpoa value 0..1, Orphanet's HP frequency term) and the publications cited.
MATCH (d:Disease)-[r:HAS_PHENOTYPE]->(p:PhenotypicFeature)
RETURN d.id AS disease, p.id AS term, coalesce(r.negated, false) AS negated,
       r.hpoa_frequency_value AS hpoa_frequency, r.orphanet_frequency_hpo AS orphanet_frequency,
       r.hpoa_publications AS publications, r.sources AS sources
