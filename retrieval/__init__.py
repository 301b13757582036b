"""retrieval package of evigraph."""
