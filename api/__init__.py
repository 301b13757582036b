"""api package of evigraph."""
