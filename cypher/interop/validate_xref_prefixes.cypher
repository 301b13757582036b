// Prefixes of the cross-references nodes carry, with a count and one example each.
MATCH (n:Entity)
UNWIND coalesce(n.xrefs, []) AS x
RETURN CASE WHEN x =~ $curie THEN split(x, ':')[0] END AS prefix, count(*) AS count,
       min(x) AS example
