// Node groups for the Biolink check: category, labels and id prefix ($curie: the CURIE
// pattern; null prefix for an id that is no CURIE), with provenance gaps counted per group.
MATCH (n:Entity)
WITH n,
     [l IN labels(n) WHERE l <> 'Entity'] AS labels,
     CASE WHEN n.id =~ $curie THEN split(n.id, ':')[0] END AS prefix,
     coalesce(n.extracted, false) AS extracted
RETURN n.category AS category, labels, prefix, extracted, count(*) AS count,
       sum(CASE WHEN NOT extracted AND size(coalesce(n.sources, [])) = 0 THEN 1 ELSE 0 END)
         AS undescribed,
       sum(CASE WHEN NOT extracted AND any(s IN coalesce(n.sources, [])
                  WHERE n[s + '_release'] IS NULL OR n[s + '_run'] IS NULL) THEN 1 ELSE 0 END)
         AS no_run,
       sum(CASE WHEN extracted AND size(coalesce(n.extraction_runs, [])) = 0 THEN 1 ELSE 0 END)
         AS no_extraction_run,
       min(n.id) AS example
