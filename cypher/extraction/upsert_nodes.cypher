// Nodes named by extracted statements. A node the curated sources already hold is only
// matched: its labels and properties stay as the sources wrote them. A node created here
// is marked with the runs that need it, so retracting the last of them deletes it.
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
ON CREATE SET n:$(row.label), n.name = row.name, n.category = row.category,
              n.extracted = true, n.extraction_runs = [], n += row.props
WITH n
WHERE n.extracted = true AND NOT $run IN n.extraction_runs
SET n.extraction_runs = n.extraction_runs + $run
