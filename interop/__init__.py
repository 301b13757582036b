"""Interoperability: KGX and RDF/PROV-O exports, KGX import, the Biolink conformance check."""
