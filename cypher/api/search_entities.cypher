// Linking and search: an exact id match, then an exact name match, then full-text hits on
// name and synonyms (index entity_text). $lucene is built from the words of $q by the API;
// $candidates (> $limit) full-text hits are ranked here.
CALL () {
  MATCH (n:Entity {id: $q})
  RETURN n, 0 AS rank, null AS score
  UNION ALL
  MATCH (n:Entity)
  WHERE n.name = $q
  RETURN n, 1 AS rank, null AS score
  UNION ALL
  CALL db.index.fulltext.queryNodes('entity_text', $lucene, {limit: $candidates})
  YIELD node, score
  RETURN node AS n, 2 AS rank, score
}
WITH n, min(rank) AS rank, max(score) AS score
// Equal scores (prefix matches score alike): the shorter name is the closer match.
ORDER BY rank, score DESC, size(coalesce(n.name, n.id)), n.id
LIMIT $limit
RETURN n.id AS id, n.name AS name, n.category AS category,
       [l IN labels(n) WHERE l <> 'Entity'] AS labels,
       coalesce(n.synonyms, [])[..5] AS synonyms,
       ['id', 'name', 'fulltext'][rank] AS match, score
