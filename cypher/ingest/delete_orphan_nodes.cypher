// Candidates that no source describes and no statement touches any more are deleted.
UNWIND $ids AS id
MATCH (n:Entity {id: id})
WHERE size(coalesce(n.sources, [])) = 0 AND NOT (n)--()
DETACH DELETE n
RETURN count(*) AS count
