// One knowledge node with the properties users read, its degree per relationship type,
// Biolink predicate and direction, and $limit neighbours with the provenance of each edge.
MATCH (n:Entity {id: $id})
CALL (n) {
  MATCH (n)-[r]-()
  WITH type(r) AS type, r.predicate AS predicate,
       CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction, count(*) AS count
  ORDER BY count DESC, type, direction
  RETURN collect({type: type, predicate: predicate, direction: direction, count: count}) AS degree
}
CALL (n) {
  MATCH (n)-[r]-(m:Entity)
  WITH n, r, m
  ORDER BY type(r), m.id
  LIMIT $limit
  RETURN collect({
    type: type(r), predicate: r.predicate,
    direction: CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END,
    negated: coalesce(r.negated, false),
    sources: coalesce(r.sources, []),
    primary_knowledge_source: coalesce(r.primary_knowledge_source, []),
    entity: {id: m.id, name: m.name, category: m.category}
  }) AS neighbours
}
RETURN n.id AS id, n.name AS name, n.category AS category,
       [l IN labels(n) WHERE l <> 'Entity'] AS labels,
       coalesce(n.synonyms, []) AS synonyms, coalesce(n.xrefs, []) AS xrefs,
       coalesce(n.sources, []) AS sources,
       coalesce(n.primary_knowledge_source, []) AS primary_knowledge_source,
       degree, neighbours
