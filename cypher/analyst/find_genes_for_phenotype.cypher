// Genes that cause, contribute to or are associated with diseases presenting a phenotype (or,
// by default, any of its more specific HPO terms), ranked by the number of such diseases.
// @param phenotype: str                 an HP term, e.g. HP:0001166
// @param include_subclasses: bool = true  also diseases annotated with descendants of the term
// @param limit: int = 50                the most genes returned
MATCH (p:PhenotypicFeature {id: $phenotype})
MATCH (q:PhenotypicFeature)-[:SUBCLASS_OF*0..]->(p)
WHERE $include_subclasses OR q = p
WITH DISTINCT q
MATCH (d:Disease)-[:HAS_PHENOTYPE {negated: false}]->(q)
WITH DISTINCT d
MATCH (g:Gene)-[c:CAUSES|CONTRIBUTES_TO|ASSOCIATED_WITH]->(d)
WITH g, collect(DISTINCT d.id) AS diseases, collect(DISTINCT type(c)) AS relations
RETURN g.id AS gene, g.name AS symbol, size(diseases) AS disease_count, relations,
       diseases[..20] AS diseases
ORDER BY disease_count DESC, symbol
LIMIT $limit
