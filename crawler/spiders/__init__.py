"""Spiders generated from the site registry."""
