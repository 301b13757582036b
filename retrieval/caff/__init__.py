"""CAFF: context-aware feedback filtering of multi-hop candidate triples."""
