// Every statement between knowledge nodes, keyed by endpoint ids rather than internal ids.
MATCH (a:Entity)-[r]->(b:Entity)
RETURN a.id AS subject, type(r) AS type, b.id AS object, properties(r) AS props
