// Used by the integration tests of the repository.
MATCH (n:Entity {id: $id})
RETURN n.id AS id, n.name AS name
