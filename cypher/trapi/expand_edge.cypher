// One query edge of a TRAPI query graph, expanded from the nodes already bound to one of its
// ends ($ids) to the other end. $out_predicates: Biolink predicates of statements stored from
// the bound node outwards that match; $in_predicates: those stored towards it (the query
// predicate's inverses and symmetric descendants). $categories / $other_ids: constraints on the
// other end (null: none). Negated statements are never answers. Only the properties an
// answer shows come back (a curated statement holds about 25).
UNWIND $ids AS known
MATCH (a:Entity {id: known})
CALL (a) {
  MATCH (a)-[r]->(b:Entity)
  WHERE r.predicate IN $out_predicates
  RETURN r, b, true AS outward
  UNION ALL
  MATCH (a)<-[r]-(b:Entity)
  WHERE r.predicate IN $in_predicates
  RETURN r, b, false AS outward
}
WITH a, r, b, outward
WHERE coalesce(r.negated, false) = false
  AND ($categories IS NULL OR b.category IN $categories)
  AND ($other_ids IS NULL OR b.id IN $other_ids)
RETURN a.id AS known, a.name AS known_name, a.category AS known_category,
       b.id AS other, b.name AS other_name, b.category AS other_category,
       outward, type(r) AS type,
       r {.predicate, .negated, .evidence_id, .primary_knowledge_source, .knowledge_level,
          .agent_type, .hpoa_publications, .publications, .sentence, .score, .model_name,
          .model_version, .document_id} AS props
LIMIT $limit
