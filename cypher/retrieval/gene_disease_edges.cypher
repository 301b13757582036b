// Gene -> disease statements: Orphanet CAUSES / CONTRIBUTES_TO, hpoa ASSOCIATED_WITH.
MATCH (g:Gene)-[r:CAUSES|CONTRIBUTES_TO|ASSOCIATED_WITH]->(d:Disease)
RETURN g.id AS gene, g.name AS symbol, g.xrefs AS xrefs, type(r) AS type, d.id AS disease,
       r.sources AS sources
