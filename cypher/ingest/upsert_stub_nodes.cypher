// Endpoints a source references without describing them (an HP term named in an annotation
// before hp.obo is loaded). They carry no source properties and count as no source's node.
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
ON CREATE SET n.category = row.category, n.sources = []
SET n:$(row.label)
