"""Cypher query files, one parameterised query per file, loaded by name through graph.queries."""
