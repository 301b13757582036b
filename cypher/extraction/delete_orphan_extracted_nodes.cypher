// Nodes that extraction created and that no relationship touches any more.
MATCH (n:Entity)
WHERE n.extracted = true AND NOT (n)--()
DETACH DELETE n
RETURN count(*) AS count
