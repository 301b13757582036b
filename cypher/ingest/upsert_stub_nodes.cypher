// Endpoints a source references without describing them (an HP term named in an annotation
// before hp.obo is loaded). They carry no source properties and count as no source's node.
// `sources` is set whenever it is missing, not only on create: a bulk load killed after its
// import leaves stubs without it (an empty list is a deferred property there).
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
ON CREATE SET n.category = row.category
SET n:$(row.label), n.sources = coalesce(n.sources, [])
