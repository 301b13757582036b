// What a source asserted before this run: statement keys with the content hash of its qualifiers.
MATCH ()-[r]->()
WHERE $source IN r.sources
RETURN r.subject AS subject, type(r) AS rel, r.object AS object, r.negated AS negated,
       r[$prefix + 'hash'] AS hash, r[$prefix + 'release'] AS release
