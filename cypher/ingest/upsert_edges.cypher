// One batch of a source's statements. The same statement from two sources is one relationship
// (keyed by endpoints, type and negation) carrying each source's prefixed qualifiers.
UNWIND $rows AS row
MATCH (a:Entity {id: row.subject})
MATCH (b:Entity {id: row.object})
MERGE (a)-[r:$(row.rel) {negated: row.negated}]->(b)
SET r.subject = row.subject, r.predicate = row.predicate, r.object = row.object
WITH r, row, [k IN keys(r) WHERE k STARTS WITH $prefix AND NOT k IN keys(row.props)] AS stale
FOREACH (k IN stale | SET r[k] = null)
SET r += row.props
SET r.sources = [s IN $all_sources WHERE s IN coalesce(r.sources, []) OR s = $source]
SET r.primary_knowledge_source = [s IN r.sources | $infores[s]],
    r.knowledge_level = [s IN r.sources | r[s + '_knowledge_level']][0],
    r.agent_type = [s IN r.sources | r[s + '_agent_type']][0],
    r.last_ingest_run = $run
