// Uniqueness constraints, one per node label; each also gives the index MERGE relies on.
// Every biological node also carries :Entity so retrieval can look any id up through one index.
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT disease_id IF NOT EXISTS FOR (n:Disease) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT phenotypic_feature_id IF NOT EXISTS FOR (n:PhenotypicFeature) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT gene_id IF NOT EXISTS FOR (n:Gene) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT drug_id IF NOT EXISTS FOR (n:Drug) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT adverse_event_id IF NOT EXISTS FOR (n:AdverseEvent) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT chemical_entity_id IF NOT EXISTS FOR (n:ChemicalEntity) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT sequence_variant_id IF NOT EXISTS FOR (n:SequenceVariant) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT organism_taxon_id IF NOT EXISTS FOR (n:OrganismTaxon) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT cell_line_id IF NOT EXISTS FOR (n:CellLine) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT device_id IF NOT EXISTS FOR (n:Device) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT device_report_key IF NOT EXISTS FOR (n:DeviceReport) REQUIRE n.mdr_report_key IS UNIQUE;
CREATE CONSTRAINT ingest_run_id IF NOT EXISTS FOR (n:IngestRun) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT extraction_run_id IF NOT EXISTS FOR (n:ExtractionRun) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT extracted_document_key IF NOT EXISTS FOR (n:ExtractedDocument) REQUIRE n.key IS UNIQUE;
// One relationship per piece of extracted evidence: evidence_id is unique per extracted
// relationship type (a relationship constraint covers one type). Its index is what the
// write-back's MERGE seeks (extraction/upsert_statements.cypher); without it the MERGE
// expands every relationship between the two nodes, slow between a drug and an event that
// many documents pair.
CREATE CONSTRAINT causes_adverse_event_evidence_id_unique IF NOT EXISTS FOR ()-[r:CAUSES_ADVERSE_EVENT]-() REQUIRE r.evidence_id IS UNIQUE;
CREATE CONSTRAINT association_evidence_id_unique IF NOT EXISTS FOR ()-[r:ASSOCIATION]-() REQUIRE r.evidence_id IS UNIQUE;
CREATE CONSTRAINT positive_correlation_evidence_id_unique IF NOT EXISTS FOR ()-[r:POSITIVE_CORRELATION]-() REQUIRE r.evidence_id IS UNIQUE;
CREATE CONSTRAINT negative_correlation_evidence_id_unique IF NOT EXISTS FOR ()-[r:NEGATIVE_CORRELATION]-() REQUIRE r.evidence_id IS UNIQUE;
CREATE CONSTRAINT bind_evidence_id_unique IF NOT EXISTS FOR ()-[r:BIND]-() REQUIRE r.evidence_id IS UNIQUE;
CREATE CONSTRAINT cotreatment_evidence_id_unique IF NOT EXISTS FOR ()-[r:COTREATMENT]-() REQUIRE r.evidence_id IS UNIQUE;
CREATE CONSTRAINT comparison_evidence_id_unique IF NOT EXISTS FOR ()-[r:COMPARISON]-() REQUIRE r.evidence_id IS UNIQUE;
CREATE CONSTRAINT drug_interaction_evidence_id_unique IF NOT EXISTS FOR ()-[r:DRUG_INTERACTION]-() REQUIRE r.evidence_id IS UNIQUE;
CREATE CONSTRAINT conversion_evidence_id_unique IF NOT EXISTS FOR ()-[r:CONVERSION]-() REQUIRE r.evidence_id IS UNIQUE;
CREATE CONSTRAINT involves_device_evidence_id_unique IF NOT EXISTS FOR ()-[r:INVOLVES_DEVICE]-() REQUIRE r.evidence_id IS UNIQUE;
CREATE CONSTRAINT mentions_phenotype_evidence_id_unique IF NOT EXISTS FOR ()-[r:MENTIONS_PHENOTYPE]-() REQUIRE r.evidence_id IS UNIQUE;
