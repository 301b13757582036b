// Properties a bulk import's CSV cannot carry (empty lists, multi-line strings), set after it.
UNWIND $rows AS row
MATCH (n:Entity {id: row.id})
SET n += row.props
