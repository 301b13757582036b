// An audit record for a run that found the inputs unchanged and wrote nothing.
CREATE (r:IngestRun {
  id: $id, source: $source, status: 'unchanged', started_at: datetime(), finished_at: datetime(),
  files: $files, fingerprint: $fingerprint, host: $host, pid: $pid, counts: '{}'
})
