// Exact disease mappings (Orphanet's `E` cross-references to OMIM and others).
MATCH (a:Disease)-[r:EXACT_MATCH]->(b:Disease)
RETURN a.id AS subject, b.id AS object, r.orphanet_mapping_relation AS relation,
       r.sources AS sources
