// Names and synonyms of every knowledge node, for the embedding index.
MATCH (n:Entity)
RETURN n.id AS id, n.name AS name, n.category AS category, n.synonyms AS synonyms
ORDER BY n.id
