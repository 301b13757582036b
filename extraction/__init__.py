"""extraction package of evigraph."""
