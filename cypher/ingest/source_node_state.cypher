// What a source described before this run: node ids with the content hash of its properties.
MATCH (n:Entity)
WHERE $source IN n.sources
RETURN n.id AS id, n[$prefix + 'hash'] AS hash, n[$prefix + 'release'] AS release
