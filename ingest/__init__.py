"""ingest package of evigraph."""
