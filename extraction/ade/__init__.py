"""Adverse drug event extraction: ADE Corpus V2 data, the CRAG-style pair classifier, a span
tagger, HPO linking and the write-back of Drug -> phenotype statements."""
