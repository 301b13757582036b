// Statement properties a bulk import's CSV cannot carry, set after it (see set_node_props).
UNWIND $rows AS row
MATCH (:Entity {id: row.subject})-[r:$(row.rel) {negated: row.negated}]->(:Entity {id: row.object})
SET r += row.props
