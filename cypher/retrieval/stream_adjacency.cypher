// Every statement between knowledge nodes, lean: for the in-memory replica of the BFS that
// builds the QA benchmark (checked against expand_frontier at build time and in the tests).
MATCH (a:Entity)-[r]->(b:Entity)
RETURN a.id AS subject, type(r) AS type, coalesce(r.negated, false) AS negated, b.id AS object
