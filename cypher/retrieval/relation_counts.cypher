// Statement counts per relationship type and negation between knowledge nodes, for the
// relation vocabulary (relations rarer than min_relation_freq are left out of retrieval).
MATCH (:Entity)-[r]->(:Entity)
RETURN type(r) AS type, coalesce(r.negated, false) AS negated, count(*) AS count
ORDER BY type, negated
