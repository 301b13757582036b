// Opened before the first write; a run left 'running' by a crash is found by the next one.
CREATE (r:IngestRun {
  id: $id, source: $source, status: 'running', started_at: datetime(),
  release: $release, files: $files, fingerprint: $fingerprint, host: $host, pid: $pid
})
