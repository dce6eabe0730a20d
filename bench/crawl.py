"""Crawl speed on a generated local news site: the ``news`` spider (discovery, extraction,
cleaning, dedup, crash-safe export) side by side with a bare Scrapy spider that only follows the
same links, both against one threading server on 127.0.0.1."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.sample import serve_pages  # noqa: E402

PER_PAGE = 20
WORDS = [
    "أعلنت",
    "الوزارة",
    "اليوم",
    "عن",
    "خطة",
    "جديدة",
    "لتطوير",
    "الخدمات",
    "في",
    "المحافظات",
    "وقال",
    "المتحدث",
    "إن",
    "العمل",
    "سيبدأ",
    "خلال",
    "الأسابيع",
    "المقبلة",
    "بمشاركة",
    "الجهات",
    "المعنية",
    "وأضاف",
    "أن",
    "الميزانية",
    "المخصصة",
    "تكفي",
    "لاستكمال",
    "المرحلة",
    "الأولى",
    "من",
    "المشروع",
    "وفق",
    "الجدول",
    "الزمني",
    "المعلن",
]

BARE_SPIDER = """
import scrapy

class BareSpider(scrapy.Spider):
    name = "bare"

    async def start(self):
        yield scrapy.Request(self.origin + "/")

    def parse(self, response):
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href)
"""


def paragraph(n: int, k: int) -> str:
    words = [WORDS[(n * 7 + k * 3 + i) % len(WORDS)] for i in range(40)]
    return " ".join(words) + f" ({n}-{k})."


def site(n_articles: int) -> dict[str, bytes]:
    pages: dict[str, str] = {"/robots.txt": "User-agent: *\nAllow: /\n"}
    listing_pages = (n_articles + PER_PAGE - 1) // PER_PAGE
    for page in range(listing_pages):
        items = "".join(
            f'<li><a href="/news/{n}">خبر رقم {n}</a></li>'
            for n in range(page * PER_PAGE, min(n_articles, (page + 1) * PER_PAGE))
        )
        nxt = (
            f'<a rel="next" href="/list/{page + 1}">التالي</a>' if page + 1 < listing_pages else ""
        )
        path = "/" if page == 0 else f"/list/{page}"
        pages[path] = f'<html lang="ar"><body><ul class="list">{items}</ul>{nxt}</body></html>'
    for n in range(n_articles):
        body = "".join(f"<p>{paragraph(n, k)}</p>" for k in range(5))
        pages[f"/news/{n}"] = (
            '<html lang="ar"><head><meta charset="utf-8"><meta property="og:type" '
            f'content="article"><title>خبر رقم {n}</title></head><body><header>'
            '<a href="/">الرئيسية</a></header><article><h1>خبر رقم {n}</h1>'
            f'<time datetime="2026-11-28T10:00:00+02:00"></time>{body}</article>'
            "<aside><h3>الأكثر قراءة</h3></aside></body></html>"
        )
    return {path: text.encode("utf-8") for path, text in pages.items()}


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--articles", type=int, default=1000)
    args = parser.parse_args()
    pages = site(args.articles)
    served = {path: ("text/html; charset=utf-8", data) for path, data in pages.items()}
    with serve_pages(lambda _origin: served) as (origin, _), tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        common = ["-s", "LOG_LEVEL=WARNING", "-s", "CLOSESPIDER_PAGECOUNT=0"]
        ours = timed(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"urls={origin}/",
             "-s", f"OUTPUT_DIR={work / 'out'}", "-s", f"STATE_PATH={work / 'state.sqlite3'}",
             "-s", "NEWS_MAX_DEPTH=2", *common]
        )  # fmt: skip
        reports = list((work / "out").glob("*/*.report.json"))
        report = json.loads(reports[0].read_text(encoding="utf-8"))
        spider = work / "bare.py"
        spider.write_text(BARE_SPIDER, encoding="utf-8")
        bare = timed(
            [sys.executable, "-m", "scrapy", "runspider", str(spider), "-a", f"origin={origin}",
             "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "DOWNLOAD_DELAY=0",
             "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ITEM_PIPELINES={}", "-s", "FEEDS={}",
             "-s", "EXTENSIONS={}", "-s", "ADDONS={}", "-s", f"OUTPUT_DIR={work / 'bare'}",
             "-s", "INCREMENTAL=False", *common]
        )  # fmt: skip
    fetched = report["pages_fetched"]
    print(f"site: {args.articles} articles, {len(pages)} pages")
    print(
        f"news spider: {fetched} pages, {report['items_written']} records in {ours:.1f} s "
        f"= {fetched / ours:.0f} pages/s (process start included)"
    )
    print(f"bare Scrapy spider, same links: {len(pages)} pages in {bare:.1f} s "
          f"= {len(pages) / bare:.0f} pages/s")  # fmt: skip
    print(f"ratio (news spider / bare): {(fetched / ours) / (len(pages) / bare):.2f}")


if __name__ == "__main__":
    main()
