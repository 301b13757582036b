// Nodes the source described in an earlier run but not in this one lose its properties.
MATCH (n:Entity)
WHERE $source IN n.sources AND n[$prefix + 'run'] <> $run
CALL (n) {
  WITH n, [k IN keys(n) WHERE k STARTS WITH $prefix] AS mine
  FOREACH (k IN mine | SET n[k] = null)
  SET n.sources = [s IN n.sources WHERE s <> $source]
} IN TRANSACTIONS OF 10000 ROWS
RETURN count(*) AS count
