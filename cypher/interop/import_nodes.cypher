// One batch of KGX nodes: each node's properties are replaced by the file's, and it gets
// :Entity plus its labels (checked against the allow-list before the query runs).
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n = row.props
SET n:$(row.labels)
RETURN count(n) AS count
