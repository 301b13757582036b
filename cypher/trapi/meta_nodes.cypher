// Node categories of the meta knowledge graph with their counts and CURIE prefixes.
MATCH (n:Entity)
WHERE n.category IS NOT NULL
RETURN n.category AS category, split(n.id, ':')[0] AS prefix, count(*) AS count
