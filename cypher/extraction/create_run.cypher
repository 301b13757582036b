// An extraction run is opened before its first write; a failed run is retracted by the writer.
CREATE (r:ExtractionRun {
  id: $id, extractor: $extractor, status: 'running', started_at: datetime(),
  model_name: $model_name, model_version: $model_version, encoder: $encoder,
  inputs: $inputs, params: $params
})
