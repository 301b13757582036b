"""Settings, errors and logging shared by every evigraph package (imports nothing from them)."""
