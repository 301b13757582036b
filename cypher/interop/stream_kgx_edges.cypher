// Statements for an export, keyed by endpoint ids. $categories: both endpoints must have one of
// these categories (null: all). $infores: the statement's primary knowledge sources must include
// one of these (null: all); `[] + x` reads a single source and a list of sources alike.
MATCH (a:Entity)-[r]->(b:Entity)
WHERE ($categories IS NULL OR (a.category IN $categories AND b.category IN $categories))
  AND ($infores IS NULL OR any(k IN [] + r.primary_knowledge_source WHERE k IN $infores))
RETURN a.id AS subject, type(r) AS type, b.id AS object, properties(r) AS props
