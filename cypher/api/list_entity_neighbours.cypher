// A few neighbours of one node with the provenance of the connecting statement.
MATCH (n:Entity {id: $id})-[r]-(m:Entity)
WITH n, r, m
ORDER BY type(r), m.id
LIMIT $limit
RETURN type(r) AS type, r.predicate AS predicate,
       CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction,
       coalesce(r.negated, false) AS negated,
       coalesce(r.sources, []) AS sources,
       coalesce(r.primary_knowledge_source, []) AS primary_knowledge_source,
       m.id AS id, m.name AS name, m.category AS category
