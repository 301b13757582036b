// Entities that are the subject of at least one statement of type $type (QA seed sampling).
MATCH (n:Entity)-[r:$($type)]->()
WHERE coalesce(r.negated, false) = false
RETURN DISTINCT n.id AS id, n.name AS name
ORDER BY id
