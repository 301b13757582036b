// The HPO is_a hierarchy: one row per SUBCLASS_OF edge between phenotype terms.
MATCH (a:PhenotypicFeature)-[:SUBCLASS_OF]->(b:PhenotypicFeature)
RETURN a.id AS child, b.id AS parent
