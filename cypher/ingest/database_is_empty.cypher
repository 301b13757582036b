// True when the database holds no node at all (no data, no run records): a bulk import may
// then replace it.
OPTIONAL MATCH (n)
WITH n LIMIT 1
RETURN n IS NULL AS empty
