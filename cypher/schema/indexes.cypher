// Secondary indexes: name lookups for linking, provenance lookups for refresh and retraction.
CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name);
CREATE INDEX entity_category IF NOT EXISTS FOR (n:Entity) ON (n.category);
CREATE FULLTEXT INDEX entity_text IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.synonym_text];
CREATE INDEX ingest_run_source IF NOT EXISTS FOR (n:IngestRun) ON (n.source);
CREATE INDEX extraction_run_status IF NOT EXISTS FOR (n:ExtractionRun) ON (n.status);
CREATE INDEX extracted_document_run IF NOT EXISTS FOR (n:ExtractedDocument) ON (n.run);
CREATE INDEX extracted_document_id IF NOT EXISTS FOR (n:ExtractedDocument) ON (n.document_id);
// Extracted statements by their evidence id, one index per extracted relationship type
// (a relationship index covers one type): the write-back's MERGE finds existing evidence here.
CREATE INDEX causes_adverse_event_evidence_id IF NOT EXISTS FOR ()-[r:CAUSES_ADVERSE_EVENT]-() ON (r.evidence_id);
CREATE INDEX association_evidence_id IF NOT EXISTS FOR ()-[r:ASSOCIATION]-() ON (r.evidence_id);
CREATE INDEX positive_correlation_evidence_id IF NOT EXISTS FOR ()-[r:POSITIVE_CORRELATION]-() ON (r.evidence_id);
CREATE INDEX negative_correlation_evidence_id IF NOT EXISTS FOR ()-[r:NEGATIVE_CORRELATION]-() ON (r.evidence_id);
CREATE INDEX bind_evidence_id IF NOT EXISTS FOR ()-[r:BIND]-() ON (r.evidence_id);
CREATE INDEX cotreatment_evidence_id IF NOT EXISTS FOR ()-[r:COTREATMENT]-() ON (r.evidence_id);
CREATE INDEX comparison_evidence_id IF NOT EXISTS FOR ()-[r:COMPARISON]-() ON (r.evidence_id);
CREATE INDEX drug_interaction_evidence_id IF NOT EXISTS FOR ()-[r:DRUG_INTERACTION]-() ON (r.evidence_id);
CREATE INDEX conversion_evidence_id IF NOT EXISTS FOR ()-[r:CONVERSION]-() ON (r.evidence_id);
CREATE INDEX involves_device_evidence_id IF NOT EXISTS FOR ()-[r:INVOLVES_DEVICE]-() ON (r.evidence_id);
CREATE INDEX mentions_phenotype_evidence_id IF NOT EXISTS FOR ()-[r:MENTIONS_PHENOTYPE]-() ON (r.evidence_id);
