// BioRED relations extracted for a gene: the other entity, the relation type, the direction
// (the gene as subject, as object, or undirected) and novelty (how many statements the model
// read as a novel finding of their document), ranked by the number of documents.
// @param gene: str                 an NCBIGene CURIE, e.g. NCBIGene:6331
// @param novel_only: bool = false  only statements the model read as novel
// @param min_score: float = 0.0    the lowest relation score counted
// @param limit: int = 100          the most rows returned
MATCH (g:Gene {id: $gene})-[r]-(o:Entity)
WHERE r.biored_type IS NOT NULL AND r.score >= $min_score
  AND (NOT $novel_only OR r.novelty = 'Novel')
WITH o, r,
     CASE WHEN NOT r.directed THEN 'undirected'
          WHEN startNode(r) = g THEN 'gene_is_subject' ELSE 'gene_is_object' END AS direction
WITH o, r.biored_type AS relation, direction, count(DISTINCT r.document_id) AS documents,
     count(r) AS statements, sum(CASE WHEN r.novelty = 'Novel' THEN 1 ELSE 0 END) AS novel,
     max(r.score) AS best, collect(DISTINCT r.document_id)[..10] AS document_ids
RETURN o.id AS entity, o.name AS name, [x IN labels(o) WHERE x <> 'Entity'][0] AS label,
       relation, direction, novel, statements, documents, round(best, 4) AS best_score,
       document_ids
ORDER BY documents DESC, best_score DESC, entity, relation
LIMIT $limit
