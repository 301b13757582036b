// Statement groups for the Biolink check: type, predicate and endpoint categories, with the
// statements lacking required provenance counted per group. Extracted statements (those with an
// evidence_id) need their document, sentence, model and run; curated ones each source's run.
MATCH (a:Entity)-[r]->(b:Entity)
WITH a, r, b, r.evidence_id IS NOT NULL AS extracted,
     CASE WHEN r.primary_knowledge_source IS NULL THEN [] ELSE [] + r.primary_knowledge_source END
       AS pks
WITH a, r, b, extracted, pks,
     size(pks) = 0 OR any(k IN pks WHERE NOT k STARTS WITH 'infores:') AS bad_source,
     r.knowledge_level IS NULL OR NOT r.knowledge_level IN $levels AS bad_level,
     r.agent_type IS NULL OR NOT r.agent_type IN $agents AS bad_agent,
     coalesce(r.subject, '') <> a.id OR coalesce(r.object, '') <> b.id AS bad_endpoints,
     CASE WHEN extracted
       THEN r.document_id IS NULL OR r.sentence IS NULL OR r.model_name IS NULL
            OR r.model_version IS NULL OR size(coalesce(r.extraction_runs, [])) = 0
       ELSE size(coalesce(r.sources, [])) = 0
            OR any(s IN r.sources WHERE r[s + '_run'] IS NULL OR r[s + '_release'] IS NULL)
     END AS no_origin
RETURN type(r) AS type, r.predicate AS predicate, a.category AS subject_category,
       b.category AS object_category, extracted, count(*) AS count,
       sum(CASE WHEN bad_source THEN 1 ELSE 0 END) AS bad_source,
       sum(CASE WHEN bad_level THEN 1 ELSE 0 END) AS bad_level,
       sum(CASE WHEN bad_agent THEN 1 ELSE 0 END) AS bad_agent,
       sum(CASE WHEN bad_endpoints THEN 1 ELSE 0 END) AS bad_endpoints,
       sum(CASE WHEN no_origin THEN 1 ELSE 0 END) AS no_origin,
       min(a.id) AS example,
       min(CASE WHEN bad_source OR bad_level OR bad_agent OR bad_endpoints OR no_origin
                THEN a.id + ' -[' + type(r) + ']-> ' + b.id END) AS bad_example
