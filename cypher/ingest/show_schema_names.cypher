// Names of the constraints and indexes a user or evigraph created: the token lookup indexes
// every database has are left out.
SHOW INDEXES YIELD name, type
WHERE type <> 'LOOKUP'
RETURN name
