// Nodes the source described before but not in this run lose the source's properties.
UNWIND $ids AS id
MATCH (n:Entity {id: id})
WITH n, [k IN keys(n) WHERE k STARTS WITH $prefix] AS mine
FOREACH (k IN mine | SET n[k] = null)
SET n.sources = [s IN n.sources WHERE s <> $source]
