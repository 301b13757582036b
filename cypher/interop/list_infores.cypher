// Every knowledge source statements are attributed to, for the PROV-O agents of an RDF export.
MATCH ()-[r]->()
WHERE r.primary_knowledge_source IS NOT NULL
UNWIND [] + r.primary_knowledge_source AS source
RETURN DISTINCT source
ORDER BY source
