// How many statements each knowledge source asserts, per relationship type, with curated and
// extracted statements apart (a statement two sources assert counts for both).
MATCH ()-[r]->()
WHERE r.predicate IS NOT NULL
UNWIND [] + r.primary_knowledge_source AS source
RETURN source, type(r) AS type, r.predicate AS predicate,
       r.evidence_id IS NOT NULL AS extracted, count(*) AS statements
ORDER BY source, statements DESC
