"""The Scrapy project of the Arabic news crawler."""
