// Entities whose name or synonyms match words of the question (Lucene syntax escaped by the caller).
CALL db.index.fulltext.queryNodes('entity_text', $text) YIELD node, score
RETURN node.id AS id, node.name AS name, node.category AS category,
       node.synonyms AS synonyms, score
LIMIT $limit
