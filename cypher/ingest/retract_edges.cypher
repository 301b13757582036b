// Statements the source asserted before but not in this run lose the source's qualifiers;
// those no source asserts any more are deleted. Other sources' statements are never touched.
UNWIND $rows AS row
MATCH (a:Entity {id: row.subject})-[r:$(row.rel) {negated: row.negated}]->(b:Entity {id: row.object})
WITH r, [k IN keys(r) WHERE k STARTS WITH $prefix] AS mine
FOREACH (k IN mine | SET r[k] = null)
SET r.sources = [s IN r.sources WHERE s <> $source]
SET r.primary_knowledge_source = [s IN r.sources | $infores[s]],
    r.knowledge_level = [s IN r.sources | r[s + '_knowledge_level']][0],
    r.agent_type = [s IN r.sources | r[s + '_agent_type']][0]
WITH r WHERE size(r.sources) = 0
DELETE r
