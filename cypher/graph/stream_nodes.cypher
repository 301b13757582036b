// Every knowledge node with its labels and properties (run records are not :Entity).
MATCH (n:Entity)
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props
