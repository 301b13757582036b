// Diseases that share phenotypes with a disease, ranked by the Jaccard index of their present
// (not excluded) HPO phenotypes. Mapped equivalents (exact/broad/narrow/close matches) are left
// out unless asked for, since they share annotations by construction.
// @param disease: str                 a disease CURIE, e.g. ORPHA:558
// @param min_shared: int = 2          the fewest shared phenotypes a disease needs
// @param include_mappings: bool = false  keep diseases mapped to this one
// @param limit: int = 25              the most diseases returned
MATCH (d:Disease {id: $disease})-[:HAS_PHENOTYPE {negated: false}]->(p:PhenotypicFeature)
WITH d, count(p) AS mine
MATCH (d)-[:HAS_PHENOTYPE {negated: false}]->(p:PhenotypicFeature)
      <-[:HAS_PHENOTYPE {negated: false}]-(o:Disease)
WHERE o <> d
  AND ($include_mappings
       OR NOT EXISTS { (d)-[:EXACT_MATCH|BROAD_MATCH|NARROW_MATCH|CLOSE_MATCH]-(o) })
WITH d, mine, o, count(DISTINCT p) AS shared, collect(DISTINCT p.name)[..10] AS examples
WHERE shared >= $min_shared
WITH o, shared, examples, mine,
     COUNT { (o)-[:HAS_PHENOTYPE {negated: false}]->(:PhenotypicFeature) } AS theirs
RETURN o.id AS disease, o.name AS name, shared, mine, theirs,
       round(toFloat(shared) / (mine + theirs - shared), 4) AS jaccard, examples
ORDER BY jaccard DESC, shared DESC, disease
LIMIT $limit
