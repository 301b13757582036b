// Which of $keys (extractor:model@version|document id) are already read by that model version.
UNWIND $keys AS key
MATCH (d:ExtractedDocument {key: key})
RETURN d.key AS key
