"""One module per record field, each a small function of the page: title, authors, dates,
canonical URL and JSON-LD reading, body, images, tags, language, and per-site overrides."""
