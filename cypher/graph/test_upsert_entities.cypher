// Used by the integration tests of the repository: a minimal batched upsert.
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n.name = row.name
