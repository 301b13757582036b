"""Running a local Neo4j: its jars, configuration, process, and offline bulk import."""
