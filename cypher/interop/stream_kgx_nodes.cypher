// Knowledge nodes for an export. $categories: keep only nodes of these Biolink categories
// (null: all). $infores: keep only nodes a listed source asserts, or that a statement of a
// listed source touches (null: all), so every exported edge has both endpoints exported.
MATCH (n:Entity)
WHERE ($categories IS NULL OR n.category IN $categories)
  AND ($infores IS NULL
       OR any(k IN coalesce(n.primary_knowledge_source, []) WHERE k IN $infores)
       OR (n.extracted = true AND 'infores:evigraph' IN $infores)
       OR EXISTS {
            MATCH (n)-[r]-(m:Entity)
            WHERE any(k IN [] + r.primary_knowledge_source WHERE k IN $infores)
              AND ($categories IS NULL OR m.category IN $categories)
          })
RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Entity'] AS labels, properties(n) AS props
