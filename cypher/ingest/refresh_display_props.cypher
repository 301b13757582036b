// The properties users read (name, synonyms, xrefs, primary_knowledge_source) derived from the
// per-source ones. Name precedence: the ontology or resource that owns the id comes first.
UNWIND $ids AS id
MATCH (n:Entity {id: id})
CALL (n) {
  WITH n,
       coalesce(n.hpo_synonyms, []) + coalesce(n.orphanet_synonyms, []) +
       coalesce(n.omim_synonyms, []) + coalesce(n.hpoa_synonyms, []) +
       coalesce(n.hpoa_supplement_synonyms, []) AS syn,
       coalesce(n.hpo_xrefs, []) + coalesce(n.orphanet_xrefs, []) +
       coalesce(n.omim_xrefs, []) + coalesce(n.hpoa_xrefs, []) +
       coalesce(n.hpoa_supplement_xrefs, []) AS xr
  WITH n,
       reduce(acc = [], s IN syn | CASE WHEN s IN acc THEN acc ELSE acc + s END) AS synonyms,
       reduce(acc = [], x IN xr | CASE WHEN x IN acc THEN acc ELSE acc + x END) AS xrefs
  SET n.name = coalesce(n.hpo_name, n.orphanet_name, n.omim_name, n.hpoa_name,
                    n.hpoa_supplement_name),
      n.synonyms = synonyms,
      n.xrefs = xrefs,
      n.synonym_text = reduce(t = '', s IN synonyms | t + CASE WHEN t = '' THEN '' ELSE ' | ' END + s),
      n.primary_knowledge_source = [s IN coalesce(n.sources, []) | $infores[s]]
}
