// One BFS hop: every statement touching a frontier entity, both directions, as
// (head = the frontier entity, rel = TYPE + '!' when negated + '>' out / '<' in, tail).
// At most $k per head and relation, the strongest first: the stated frequency (Orphanet's
// HP frequency term, else hpoa's value; unstated counts as 0.5), then the number of
// sources, then of publications, then the tail id. Relations outside $relations (rare or
// unknown ones) are dropped before the cap is applied. retrieval/adjacency.py replicates it.
UNWIND $frontier AS hid
MATCH (h:Entity {id: hid})
CALL (h) {
  MATCH (h)-[r]-(t:Entity)
  WITH r, t,
       type(r) + CASE WHEN r.negated THEN '!' ELSE '' END
               + CASE WHEN startNode(r) = h THEN '>' ELSE '<' END AS rel
  WHERE rel IN $relations
  WITH rel, r, t,
       coalesce(
         CASE r.orphanet_frequency_hpo
           WHEN 'HP:0040280' THEN 1.0 WHEN 'HP:0040281' THEN 0.895
           WHEN 'HP:0040282' THEN 0.545 WHEN 'HP:0040283' THEN 0.17
           WHEN 'HP:0040284' THEN 0.025 WHEN 'HP:0040285' THEN 0.0
         END,
         CASE WHEN r.hpoa_frequency_value IS :: FLOAT THEN r.hpoa_frequency_value END,
         0.5) AS freq,
       size(coalesce(r.sources, [])) AS n_sources,
       size(coalesce(r.hpoa_publications, [])) AS n_publications
  ORDER BY rel, freq DESC, n_sources DESC, n_publications DESC, t.id
  WITH rel, collect({r: r, t: t})[..$k] AS picks
  UNWIND picks AS p
  RETURN rel, p.r AS r, p.t AS t
}
RETURN h.id AS head, rel, t.id AS tail, t.name AS tail_name, t.category AS tail_category
