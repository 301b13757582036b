// Secondary indexes: name lookups for linking, provenance lookups for refresh and retraction.
CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name);
CREATE INDEX entity_category IF NOT EXISTS FOR (n:Entity) ON (n.category);
CREATE FULLTEXT INDEX entity_text IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.synonym_text];
CREATE INDEX ingest_run_source IF NOT EXISTS FOR (n:IngestRun) ON (n.source);
CREATE INDEX extraction_run_status IF NOT EXISTS FOR (n:ExtractionRun) ON (n.status);
CREATE INDEX extracted_document_run IF NOT EXISTS FOR (n:ExtractedDocument) ON (n.run);
CREATE INDEX extracted_document_id IF NOT EXISTS FOR (n:ExtractedDocument) ON (n.document_id);
