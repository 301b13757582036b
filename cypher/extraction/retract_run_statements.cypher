// Removes a run from its evidence; evidence no other run produced is deleted.
MATCH ()-[r]->()
WHERE r.evidence_id IS NOT NULL AND $run IN r.extraction_runs
WITH r, [x IN r.extraction_runs WHERE x <> $run] AS rest
CALL (r, rest) {
  WITH r, rest WHERE size(rest) = 0
  DELETE r
}
CALL (r, rest) {
  WITH r, rest WHERE size(rest) > 0
  SET r.extraction_runs = rest
}
RETURN count(*) AS count
