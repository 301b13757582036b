// Names of the diseases that carry at least one phenotype annotation.
MATCH (d:Disease)
WHERE EXISTS { (d)-[:HAS_PHENOTYPE]->(:PhenotypicFeature) }
RETURN d.id AS id, d.name AS name
