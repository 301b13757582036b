// The degree of one node per relationship type, Biolink predicate and direction.
MATCH (n:Entity {id: $id})-[r]-()
RETURN type(r) AS type, r.predicate AS predicate,
       CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction, count(*) AS count
ORDER BY count DESC, type, direction
