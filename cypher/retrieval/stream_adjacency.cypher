// Every statement between knowledge nodes, lean: for the in-memory replica of the BFS that
// builds the QA benchmark (checked against expand_frontier at build time and in the tests),
// with the strength expand_frontier orders a relation's statements by before its cap.
MATCH (a:Entity)-[r]->(b:Entity)
RETURN a.id AS subject, type(r) AS type, coalesce(r.negated, false) AS negated, b.id AS object,
       coalesce(
         CASE r.orphanet_frequency_hpo
           WHEN 'HP:0040280' THEN 1.0 WHEN 'HP:0040281' THEN 0.895
           WHEN 'HP:0040282' THEN 0.545 WHEN 'HP:0040283' THEN 0.17
           WHEN 'HP:0040284' THEN 0.025 WHEN 'HP:0040285' THEN 0.0
         END,
         CASE WHEN r.hpoa_frequency_value IS :: FLOAT THEN r.hpoa_frequency_value END,
         0.5) AS freq,
       size(coalesce(r.sources, [])) AS n_sources,
       size(coalesce(r.hpoa_publications, [])) AS n_publications
