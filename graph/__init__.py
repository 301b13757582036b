"""graph package of evigraph."""
