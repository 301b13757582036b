// One knowledge node with the properties users read.
MATCH (n:Entity {id: $id})
RETURN n.id AS id, n.name AS name, n.category AS category,
       [l IN labels(n) WHERE l <> 'Entity'] AS labels,
       coalesce(n.synonyms, []) AS synonyms, coalesce(n.xrefs, []) AS xrefs,
       coalesce(n.sources, []) AS sources,
       coalesce(n.primary_knowledge_source, []) AS primary_knowledge_source
