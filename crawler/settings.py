"""Scrapy settings of the crawler: only what differs from Scrapy's defaults."""

from __future__ import annotations

BOT_NAME = "crawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# Arabic must be written as characters, never as \uXXXX escapes.
FEED_EXPORT_ENCODING = "utf-8"

# Polite by default on the live sites; local crawls raise the per-domain limit.
ROBOTSTXT_OBEY = True
USER_AGENT = "arabic-news-crawler/0.1 (+https://example.invalid/crawler)"
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
# Fewer items in flight per response measured faster on a 2-core machine than Scrapy's 100.
CONCURRENT_ITEMS = 8

# The modern asyncio reactor, which scrapy-playwright requires for pages that need a browser.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

LOG_LEVEL = "INFO"

# Discovery bounds: how far section pagination walks back, and a page budget per run.
SECTION_MAX_PAGES = 5
CLOSESPIDER_PAGECOUNT = 2000

# Local mirrors (the offline sample) and conditional GET for feeds, sitemaps and sections; the
# site boundary (scheme, host and port of the entry points; no private addresses from a public
# start), Retry-After, and redirect loops reported: each replaces Scrapy's own middleware.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawler.middlewares.SiteBoundaryMiddleware": 50,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.middlewares.RedirectReportMiddleware": 600,
    "crawler.middlewares.ConditionalGetMiddleware": 790,
    "crawler.middlewares.MirrorMiddleware": 800,
    # After decompression (590), before retries (550): a 503 challenge is a block, not an outage.
    "crawler.blocked.BlockedMiddleware": 585,
}
SECURITY_REFUSE_PRIVATE = True
RETRY_AFTER_MAX = 120.0  # seconds: a longer Retry-After is cut to this

# Bounded memory and time per response: pages up to 10 MB, sitemaps and feeds up to 50 MB
# (per request, also once decompressed); a page's first 5000 links are read.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
DISCOVERY_MAX_XML_SIZE = 50 * 1024 * 1024
DISCOVERY_MAX_LINKS = 5000

# No remote control of a running crawl: Scrapy's telnet console listens on a local port.
TELNETCONSOLE_ENABLED = False
MIRROR_HOSTS: dict[str, str] = {}
STATE_PATH = ".state/crawler.sqlite3"

# Output: analysts load dumps without checking them, so a run writes
# <OUTPUT_DIR>/<site>/<site>-<UTC time>-<run id>.jsonl as "<file>.part" in fsynced batches and
# renames it only when complete; the next run of the site recovers a killed run's .part; a lock per
# site keeps two runs from writing together; a report lands beside each file. See README "Output
# files, run reports and crash safety". -o/-O replace this feed (ExportAddon).
OUTPUT_DIR = "output"
EXPORT_BATCH_SIZE = 100  # records per fsync: fewer fsyncs vs. fewer records held in memory
EXPORT_FLUSH_SECONDS = 5.0  # a slow crawl still makes each record durable within this time
EXPORT_LOCK_WAIT = 0.0  # seconds to wait for another run of the site; 0 = refuse at once
FEEDS = {
    "%(output_dir)s/%(site)s/%(site)s-%(run_time)s-%(run_id)s.jsonl": {
        "format": "jsonlines",
        "encoding": "utf-8",
        "overwrite": True,  # written whole as .part and renamed, never appended to
        "store_empty": True,  # a run that finds nothing new still leaves a file and a report
        "uri_params": "pipelines.export.uri_params",
        "replaced_by_cli": True,
    },
}
FEED_STORAGES = {
    "": "pipelines.export.CrashSafeFileFeedStorage",
    "file": "pipelines.export.CrashSafeFileFeedStorage",
}
ADDONS = {"pipelines.export.ExportAddon": 0, "crawler.stores.RedisAddon": 0}
EXTENSIONS = {"pipelines.export.ExportRun": 0, "scrapy.extensions.telnet.TelnetConsole": None}
ITEM_PIPELINES = {
    "pipelines.clean.CleanPipeline": 300,
    "pipelines.dedup.DedupPipeline": 400,
    "pipelines.export.RunIdPipeline": 900,
}

# Cleaning: removed noise lines are counted in stats; keeping them in `removed_noise` is for audit.
CLEAN_KEEP_REMOVED = False

# Dedup (README "Deduplication"): unchanged re-crawls are dropped, changed articles get a new
# version; exact and near duplicates of an earlier article are linked ("mark") or dropped ("drop").
DEDUP_MODE = "mark"
DEDUP_THRESHOLD = 0.3  # estimated Jaccard of 3-word shingles, tuned on tests/dedup_labelled.py
DEDUP_WINDOW_DAYS = 30  # near duplicates are looked for among articles first seen this recently

# Health (README "Running unattended"): each run's figures go into its report and the state
# store; a sharp fall against the site's own last runs is an alarm (logged and reported), which
# fails the exit code only with HEALTH_ALARMS_FAIL.
HEALTH_ALARMS_FAIL = False
HEALTH_HISTORY_RUNS = 10  # the baseline: median of this many latest runs of the site
HEALTH_MIN_HISTORY = 5  # no alarm before the site has this many earlier runs
HEALTH_MIN_RECORDS = 5  # coverage and body figures are compared only for runs this large
BLOCKED_MIN_SHARE = 0.5  # a 403/429/challenge storm: this share of the responses ...
BLOCKED_MIN_RESPONSES = 3  # ... and at least this many of them

# Retention: empty run files beyond the newest OUTPUT_KEEP_EMPTY_RUNS of a site are removed with
# their reports; OUTPUT_RETENTION_DAYS > 0 also removes run files, reports and crawlall
# summaries older than that many days (0 keeps them forever).
OUTPUT_KEEP_EMPTY_RUNS = 48
OUTPUT_RETENTION_DAYS = 0

# Distributed crawling (README "Distributed crawling on Redis"): with REDIS_URL set, requests go
# through scrapy-redis's shared queue and dupefilter and the state store lives in Redis; each
# process is one worker (REDIS_WORKER_ID, default the host name) with its own output file.
REDIS_URL = None
REDIS_KEY_PREFIX = "crawler"
REDIS_WORKER_ID = None
REDIS_WORKER_TIMEOUT = 30.0  # seconds without heartbeat before a worker's requests are requeued
