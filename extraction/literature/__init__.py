"""Literature at scale: streamed readers (PubMed/MEDLINE XML, PubTator, BioC, JSON Lines),
the extract -> shard -> write stages, and their local and Ray engines."""
