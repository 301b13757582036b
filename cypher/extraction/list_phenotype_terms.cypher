// Names and synonyms of every HPO phenotype, for dictionary linking of text mentions.
MATCH (p:PhenotypicFeature)
WHERE p.id STARTS WITH 'HP:' AND p.name IS NOT NULL
RETURN p.id AS id, p.name AS name, coalesce(p.synonyms, []) AS synonyms
ORDER BY p.id
