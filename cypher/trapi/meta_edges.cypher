// The meta knowledge graph: every (subject category, predicate, object category) the graph
// holds as an asserted (not negated) statement, with its count, and the id prefixes per category.
MATCH (a:Entity)-[r]->(b:Entity)
WHERE coalesce(r.negated, false) = false
RETURN a.category AS subject, r.predicate AS predicate, b.category AS object, count(*) AS count
