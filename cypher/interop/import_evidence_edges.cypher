// One batch of KGX statements read from text: keyed like write-back, by their evidence_id.
UNWIND $rows AS row
MATCH (a:Entity {id: row.subject})
MATCH (b:Entity {id: row.object})
MERGE (a)-[r:$(row.type) {evidence_id: row.props.evidence_id}]->(b)
SET r = row.props
RETURN count(r) AS count
