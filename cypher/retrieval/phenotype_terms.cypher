// Every HPO term with what phenotype ranking needs to resolve a patient's terms: name,
// synonyms, alt_ids, and obsolete/replaced_by/consider for terms retired by HPO.
MATCH (p:PhenotypicFeature)
RETURN p.id AS id, p.name AS name, p.synonyms AS synonyms, p.hpo_alt_ids AS alt_ids,
       coalesce(p.hpo_obsolete, false) AS obsolete, p.hpo_replaced_by AS replaced_by,
       p.hpo_consider AS consider
