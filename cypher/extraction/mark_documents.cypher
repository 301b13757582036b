// Markers of the documents a model has read (with or without statements), written in the
// same transaction as their statements: a document is marked exactly when its evidence is
// in. Markers are not :Entity, so they are no part of the graph's content or checksum.
UNWIND $rows AS row
MERGE (d:ExtractedDocument {key: row.key})
ON CREATE SET d.document_id = row.document_id, d.extractor = row.extractor,
              d.model_name = row.model_name, d.model_version = row.model_version,
              d.statements = row.statements, d.run = $run, d.extracted_at = datetime()
