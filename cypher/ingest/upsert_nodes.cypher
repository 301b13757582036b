// One batch of a source's nodes. Properties of the source carry its prefix ($prefix, e.g.
// 'orphanet_'); the source's stale properties are removed first, so a refresh drops what the
// new release no longer says. The job sends only rows that are new or changed.
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n:$(row.label), n.category = row.category
WITH n, row, [k IN keys(n) WHERE k STARTS WITH $prefix AND NOT k IN keys(row.props)] AS stale
FOREACH (k IN stale | SET n[k] = null)
SET n += row.props
SET n.sources = [s IN $all_sources WHERE s IN coalesce(n.sources, []) OR s = $source]
SET n.last_ingest_run = $run
