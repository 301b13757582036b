// Nodes created by extraction that no run needs any more and no relationship touches.
MATCH (n:Entity)
WHERE n.extracted = true AND $run IN n.extraction_runs
SET n.extraction_runs = [x IN n.extraction_runs WHERE x <> $run]
WITH n
WHERE size(n.extraction_runs) = 0 AND NOT (n)--()
DETACH DELETE n
RETURN count(*) AS count
