// Names and synonyms of the HPO phenotypes, for the linkers (graph/hpo_terms.py).
// Terms under the roots in $exclude_roots (clinical modifiers such as "Left" or "Severe",
// modes of inheritance, frequencies) describe phenotypes but are not phenotypes themselves.
MATCH (p:PhenotypicFeature)
WHERE p.id STARTS WITH 'HP:' AND p.name IS NOT NULL
  AND NOT p.id IN $exclude_roots
  AND NOT EXISTS { (p)-[:SUBCLASS_OF*1..]->(r:PhenotypicFeature) WHERE r.id IN $exclude_roots }
RETURN p.id AS id, p.name AS name, coalesce(p.synonyms, []) AS synonyms
ORDER BY p.id
