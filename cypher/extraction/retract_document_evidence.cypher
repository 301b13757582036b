// Every extracted statement read from one of $ids (PubMed DeleteCitation), and the documents'
// read markers. Curated relationships carry no evidence_id and are never matched.
CALL () {
  MATCH (d:ExtractedDocument) WHERE d.document_id IN $ids
  DETACH DELETE d
}
MATCH ()-[r]->()
WHERE r.evidence_id IS NOT NULL AND r.document_id IN $ids
DELETE r
RETURN count(*) AS count
