// The pinned nodes of a TRAPI query graph without edges: ids, names and categories.
MATCH (n:Entity)
WHERE n.id IN $ids
RETURN n.id AS id, n.name AS name, n.category AS category
