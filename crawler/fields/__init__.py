"""One module per record field, each a small function of the page."""
