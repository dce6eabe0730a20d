"""Metadata fields of an article page: title, authors, dates, canonical URL and JSON-LD."""
