// A retracted run's documents count as unread again.
MATCH (d:ExtractedDocument {run: $run})
DETACH DELETE d
