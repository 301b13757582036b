// One batch of KGX statements without evidence: keyed like ingest (endpoints, type, negation).
UNWIND $rows AS row
MATCH (a:Entity {id: row.subject})
MATCH (b:Entity {id: row.object})
MERGE (a)-[r:$(row.type) {negated: row.props.negated}]->(b)
SET r = row.props
RETURN count(r) AS count
