// After a run has written everything: statements the source asserted in an earlier run but
// not in this one lose the source's qualifiers; those no source asserts any more are deleted.
// Statements of other sources are never touched.
MATCH ()-[r]->()
WHERE $source IN r.sources AND r[$prefix + 'run'] <> $run
CALL (r) {
  WITH r, [k IN keys(r) WHERE k STARTS WITH $prefix] AS mine
  FOREACH (k IN mine | SET r[k] = null)
  SET r.sources = [s IN r.sources WHERE s <> $source]
  SET r.primary_knowledge_source = [s IN r.sources | $infores[s]],
      r.knowledge_level = [s IN r.sources | r[s + '_knowledge_level']][0],
      r.agent_type = [s IN r.sources | r[s + '_agent_type']][0]
  WITH r WHERE size(r.sources) = 0
  DELETE r
} IN TRANSACTIONS OF 10000 ROWS
RETURN count(*) AS count
