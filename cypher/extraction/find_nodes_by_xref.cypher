// Curated Disease or PhenotypicFeature nodes that list one of $xrefs (e.g. MESH:D008133,
// UMLS:C0023976) among their cross-references; one scan for the whole batch.
MATCH (n:Entity)
WHERE (n:Disease OR n:PhenotypicFeature) AND any(x IN coalesce(n.xrefs, []) WHERE x IN $xrefs)
UNWIND [x IN n.xrefs WHERE x IN $xrefs] AS xref
RETURN xref, n.id AS id
ORDER BY xref, id
