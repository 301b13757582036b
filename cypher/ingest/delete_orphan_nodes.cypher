// Nodes no source describes and no statement touches are left-overs of retractions.
MATCH (n:Entity)
WHERE size(coalesce(n.sources, [])) = 0 AND NOT (n)--()
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
RETURN count(*) AS count
