// Statements for an export, keyed by endpoint ids. $categories: both endpoints must have one of
// these categories (null: all). $infores: the statement's primary knowledge sources must include
// one of these (null: all); `[] + x` reads a single source and a list of sources alike.
// $half splits the statements in two for two exporting processes, by the last character of the
// subject's id (CURIE local ids end in a digit almost always, so the halves come out near
// even): 0 = an even digit, 1 = anything else, null = all.
MATCH (a:Entity)
WHERE $half IS NULL OR ((right(a.id, 1) IN ['0', '2', '4', '6', '8']) = ($half = 0))
MATCH (a)-[r]->(b:Entity)
WHERE ($categories IS NULL OR (a.category IN $categories AND b.category IN $categories))
  AND ($infores IS NULL OR any(k IN [] + r.primary_knowledge_source WHERE k IN $infores))
RETURN a.id AS subject, type(r) AS type, b.id AS object, properties(r) AS props
