"""The project's own Scrapy commands (``scrapy extract``, ``scrapy clean``)."""
