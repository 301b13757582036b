// After a broken run: endpoint stubs that no source describes, no extractor made and no
// statement touches (a killed run may create stubs before writing the statements that need
// them, so the usual candidates of delete_orphan_nodes miss them).
MATCH (n:Entity)
WHERE n.sources = [] AND n.extracted IS NULL AND NOT (n)--()
DETACH DELETE n
RETURN count(*) AS count
