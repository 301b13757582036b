"""cli package of evigraph."""
