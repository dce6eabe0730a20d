"""Noise cleaning of article text: line forms, the rule catalog and the cleaner."""
