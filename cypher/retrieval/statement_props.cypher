// Properties (provenance) of the given statements, looked up by their endpoints, type and
// negation: fetched for the retained triples only, not for every candidate.
UNWIND $rows AS row
MATCH (a:Entity {id: row.subject})-[r]->(b:Entity {id: row.object})
WHERE type(r) = row.type AND coalesce(r.negated, false) = row.negated
RETURN row.subject AS subject, row.type AS type, row.negated AS negated, row.object AS object,
       properties(r) AS props
