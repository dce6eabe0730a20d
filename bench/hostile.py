"""Cost of hostile pages through the spider's parse path: a 5 MB listing page of teaser cards,
a 5 MB page of deeply nested boxes, and a home page with 100,000 links, each parsed by the
``news`` spider (article check, feeds, pager, page links) and by a registered site's section
parser, in a child process per case with a time limit; plus peak RSS of a gzip-bomb sitemap and
a 100 MB sitemap through ``parse_xml``."""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# A public-looking address: a local one would switch the spider to local-mirror settings.
ORIGIN = "http://203.0.113.5"
TEASER = (
    "أعلنت الوزارة اليوم عن خطة جديدة لتطوير الخدمات في المحافظات وقال المتحدث إن العمل سيبدأ "
    "خلال الأسابيع المقبلة بمشاركة الجهات المعنية"
)


def cards_page(size: int) -> str:
    """A listing of teaser cards in one large container, about ``size`` bytes."""
    card = (
        '<div class="card"><div class="inner"><h3><a href="/{n}">عنوان الخبر رقم {i} في '
        "الصفحة</a></h3><p>{t}</p></div></div>"
    )
    parts, total, i = [], 0, 0
    while total < size:
        piece = card.format(i=i, n=5_000_000 + i, t=TEASER)
        parts.append(piece)
        total += len(piece.encode("utf-8"))
        i += 1
    cards = "".join(parts)
    return f'<html lang="ar"><body><main><div class="list">{cards}</div></main></body></html>'


def flat_page(size: int) -> str:
    """Teaser-length paragraphs side by side in one large box, about ``size`` bytes."""
    para = f"<p>{TEASER}</p>"
    n = max(1, size // len(para.encode("utf-8")))
    head = '<a href="/5000001">عنوان الخبر الرئيسي في الصفحة</a>'
    return f'<html><body><div class="content">{head}{para * n}</div></body></html>'


def nested_page(size: int) -> str:
    """Long paragraphs inside boxes nested a hundred deep, repeated to ``size`` bytes."""
    para = f"<p>{TEASER} {TEASER}</p>"
    block = "<div>" * 100 + para * 5 + '<a href="/x">رابط عنوان طويل بما يكفي</a>' + "</div>" * 100
    n = max(1, size // len(block.encode("utf-8")))
    return f"<html><body>{block * n}</body></html>"


def links_page(count: int) -> str:
    """A home page with ``count`` headline links, flat in one element, a time beside each."""
    items = "".join(
        f'<a href="/{5_000_000 + i}">خبر عاجل رقم {i} من الصفحة</a><time>2026-11-28</time>'
        for i in range(count)
    )
    return f'<html><body><div class="home">{items}</div></body></html>'


CASES = {
    "5 MB teaser cards": lambda: cards_page(5_000_000),
    "5 MB nested boxes": lambda: nested_page(5_000_000),
    "5 MB flat paragraphs": lambda: flat_page(5_000_000),
    "100k-link home page": lambda: links_page(100_000),
}

CHILD = """
import sys, time, json
sys.path.insert(0, sys.argv[1])
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from crawler.spiders.news import NewsSpider
from crawler.sites import BY_NAME
import crawler.spiders.news as news
import bench.hostile as h

# Time spent in article extraction, apart from discovery's own work (article check, links).
spent = [0.0]
_extract = news.extract
def timed_extract(*args, **kwargs):
    t = time.perf_counter()
    try:
        return _extract(*args, **kwargs)
    finally:
        spent[0] += time.perf_counter() - t
news.extract = timed_extract

html = h.CASES[sys.argv[2]]().encode("utf-8")
mode = sys.argv[3]
settings = {"INCREMENTAL": False, "TELNETCONSOLE_ENABLED": False}
if mode == "news":
    crawler = get_crawler(NewsSpider, settings)
    spider = NewsSpider.from_crawler(crawler, urls=h.ORIGIN + "/")
    url, callback = h.ORIGIN + "/", spider.parse_any
else:
    cls = type("VetoSpider", (NewsSpider,), {"name": "vetogate", "site": BY_NAME["vetogate"]})
    crawler = get_crawler(cls, settings)
    spider = cls.from_crawler(crawler)
    url, callback = "https://www.vetogate.com/Section/1/x", spider.parse_section
spider.crawler = crawler
crawler.stats.open_spider()
response = HtmlResponse(url, body=html, encoding="utf-8", request=Request(url, meta={"hops": 0}))
start = time.perf_counter()
out = list(callback(response))
took = time.perf_counter() - start
print(json.dumps({"seconds": took, "outputs": len(out), "extract": spent[0]}))
"""


def run_child(code: str, args: list[str], limit: float) -> dict[str, Any] | str:
    """The JSON line a child process printed last, or why there is none."""
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code, str(ROOT), *args],
            capture_output=True,
            text=True,
            timeout=limit,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return f"> {limit:.0f} s (stopped)"
    if proc.returncode != 0:
        return "failed: " + proc.stderr.strip().splitlines()[-1][:200]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_case(name: str, mode: str, limit: float) -> str:
    start = time.perf_counter()
    result = run_child(CHILD, [name, mode], limit)
    if isinstance(result, str):
        return result
    wall = time.perf_counter() - start
    extract = result.get("extract", 0.0)
    return (
        f"{result['seconds']:.2f} s, of which extraction {extract:.2f} s "
        f"({result['outputs']} requests/items; {wall:.1f} s wall)"
    )


SITEMAP_CHILD = """
import resource, sys, time, json
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from scrapy.http import Response, Request
from scrapy.utils.test import get_crawler
from crawler.spiders.news import NewsSpider
body = Path(sys.argv[2]).read_bytes()
crawler = get_crawler(NewsSpider, {"INCREMENTAL": False, "TELNETCONSOLE_ENABLED": False})
spider = NewsSpider.from_crawler(crawler, urls="http://203.0.113.5/")
spider.crawler = crawler
crawler.stats.open_spider()
url = "http://203.0.113.5/sitemap.xml"
response = Response(url, body=body, request=Request(url))
start = time.perf_counter()
out = sum(1 for _ in spider.parse_xml(response))
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": time.perf_counter() - start, "requests": out, "rss": rss}))
"""


def run_sitemap(path: Path, limit: float) -> str:
    r = run_child(SITEMAP_CHILD, [str(path)], limit)
    if isinstance(r, str):
        return r
    return f"{r['seconds']:.2f} s, {r['requests']} requests, peak RSS {r['rss']:.0f} MB"


def sitemaps(tmp: Path) -> dict[str, Path]:
    entry = "<url><loc>http://203.0.113.5/news/{i}-a-long-article-slug-here</loc></url>"
    bomb = tmp / "bomb.xml.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as f:
        f.write(
            b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        )
        chunk = b" " * (1 << 20)
        for _ in range(1024):  # 1 GB of whitespace: about 1 MB compressed
            f.write(chunk)
        f.write(b"</urlset>")
    big = tmp / "big.xml"
    with big.open("wb") as f:
        f.write(
            b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        )
        i = 0
        while f.tell() < 100_000_000:
            f.write("".join(entry.format(i=i + k) for k in range(1000)).encode())
            i += 1000
        f.write(b"</urlset>")
    return {
        f"gzip bomb ({bomb.stat().st_size / 1e6:.1f} MB -> 1 GB)": bomb,
        f"plain sitemap ({big.stat().st_size / 1e6:.0f} MB)": big,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=float, default=120.0, help="seconds per case")
    parser.add_argument("--no-sitemaps", action="store_true")
    parser.add_argument("--case", action="append", help="only these page cases (repeatable)")
    args = parser.parse_args()
    for name in args.case or CASES:
        for mode in ("news", "section"):
            label = "news spider parse_any" if mode == "news" else "vetogate parse_section"
            print(f"{name:22} {label:24} {run_case(name, mode, args.limit)}", flush=True)
    if not args.no_sitemaps:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            for name, path in sitemaps(Path(tmp)).items():
                print(f"{name:34} parse_xml  {run_sitemap(path, args.limit)}", flush=True)


if __name__ == "__main__":
    main()
