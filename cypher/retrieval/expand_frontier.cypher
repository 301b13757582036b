// One BFS hop: every statement touching a frontier entity, both directions, as
// (head = the frontier entity, rel = TYPE + '!' when negated + '>' out / '<' in, tail).
// At most $k per head and relation, in a deterministic order (tail id); relations outside
// $relations (rare or unknown ones) are dropped before the cap is applied.
UNWIND $frontier AS hid
MATCH (h:Entity {id: hid})
CALL (h) {
  MATCH (h)-[r]-(t:Entity)
  WITH r, t,
       type(r) + CASE WHEN r.negated THEN '!' ELSE '' END
               + CASE WHEN startNode(r) = h THEN '>' ELSE '<' END AS rel
  WHERE rel IN $relations
  WITH rel, r, t ORDER BY rel, t.id
  WITH rel, collect({r: r, t: t})[..$k] AS picks
  UNWIND picks AS p
  RETURN rel, p.r AS r, p.t AS t
}
RETURN h.id AS head, rel, t.id AS tail, t.name AS tail_name, t.category AS tail_category
