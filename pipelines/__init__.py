"""Item pipelines: cleaning, deduplication and export helpers."""
