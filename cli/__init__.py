"""The `evigraph` command: thin, calling the packages below it."""
