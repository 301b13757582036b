// A completed run whose statements a bulk import wrote (an empty database's first load).
CREATE (r:IngestRun {
  id: $id, source: $source, status: 'completed', mode: 'bulk-import',
  started_at: datetime($started_at), finished_at: datetime(),
  release: $release, files: $files, fingerprint: $fingerprint, host: $host, pid: $pid,
  counts: $counts
})
