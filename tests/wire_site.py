"""A generated local news site for the distributed-crawl tests and ``bench/distributed.py``: tiny
Arabic article pages in five sections, some of them wire copies of a story of another section
(another headline, two words edited, the site's closing line), served by a threading server."""

from __future__ import annotations

import random
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SECTIONS = ("siyasa", "iqtisad", "riyada", "thaqafa", "alam")
SECTION_TITLES = ("سياسة", "اقتصاد", "رياضة", "ثقافة", "العالم")
PER_PAGE = 50
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
PATTERNS = ("{0}ا{1}{2}", "م{0}{1}و{2}", "ت{0}{1}ي{2}", "{0}{1}{2}ة", "است{0}{1}ا{2}", "{0}{1}ي{2}")
TAIL = "تابعوا آخر الأخبار العاجلة والتقارير الخاصة على موقعنا وتطبيقنا للهاتف المحمول"


@dataclass
class WireSite:
    """The pages (path -> HTML bytes) and what the crawl must find."""

    pages: dict[str, bytes] = field(default_factory=dict)
    articles: list[str] = field(default_factory=list)
    """Paths of every article page."""
    story: dict[str, int] = field(default_factory=dict)
    """Article path -> story number: a wire copy has its original's."""
    updated: list[str] = field(default_factory=list)
    """Articles whose text :meth:`update` changed."""

    @property
    def copies(self) -> int:
        return len(self.story) - len(set(self.story.values()))

    def update(self, every: int = 10) -> None:
        """A new edition: every ``every``-th original gets a paragraph more (a new version)."""
        for path in self.articles[::every]:
            page = self.pages[path].decode("utf-8")
            extra = f"<p>{' '.join(_words(random.Random(zlib.crc32(path.encode())), 18))}.</p>"
            self.pages[path] = page.replace("</article>", extra + "</article>").encode("utf-8")
            self.updated.append(path)


_VOCAB: list[str] = []


def _vocabulary() -> list[str]:
    if not _VOCAB:
        rng = random.Random(5)
        forms = {
            rng.choice(PATTERNS).format(*(rng.choice(LETTERS) for _ in range(3)))
            for _ in range(12000)
        }
        _VOCAB.extend(sorted(forms))
    return _VOCAB


def _words(rng: random.Random, n: int) -> list[str]:
    vocab = _vocabulary()
    return [rng.choice(vocab) for _ in range(n)]


def _article(n: int, title: str, paragraphs: list[str], section: int) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f'<meta property="og:type" content="article"><title>{title}</title></head><body>'
        f'<header><a href="/">الرئيسية</a> <a href="/{SECTIONS[section]}/">'
        f"{SECTION_TITLES[section]}</a></header><article><h1>{title}</h1>"
        f'<time datetime="2026-11-{1 + n % 28:02d}T10:00:00+02:00"></time>{body}</article>'
        "</body></html>"
    ).encode()


def build(n_articles: int = 1000, copy_share: float = 0.1, seed: int = 1) -> WireSite:
    """``n_articles`` articles spread over the sections, ``copy_share`` of them wire copies of
    an original of another section."""
    rng = random.Random(seed)
    site = WireSite()
    n_copies = int(n_articles * copy_share)
    texts: list[list[list[str]]] = []
    listed: list[list[str]] = [[] for _ in SECTIONS]
    for n in range(n_articles):
        section = n % len(SECTIONS)
        path = f"/{SECTIONS[section]}/{100000 + n}"
        if n >= n_articles - n_copies:
            # A wire copy of an original of another section.
            original = rng.choice([k for k in range(len(texts)) if k % len(SECTIONS) != section])
            paragraphs = texts[original]
            paragraphs = [list(p) for p in paragraphs]
            for _ in range(2):
                p = rng.choice(paragraphs)
                p[rng.randrange(len(p))] = rng.choice(_vocabulary())
            paragraphs.append(TAIL.split())
            pool = [w for p in paragraphs[:-1] for w in p]
            headline = rng.sample(pool, 7)
            site.story[path] = site.story[f"/{SECTIONS[original % 5]}/{100000 + original}"]
        else:
            paragraphs = [_words(rng, rng.randint(22, 30)) for _ in range(3)]
            headline = rng.sample(paragraphs[0], 6)
            texts.append(paragraphs)
            site.story[path] = n
        site.pages[path] = _article(
            n, " ".join(headline), [" ".join(p) + "." for p in paragraphs], section
        )
        site.articles.append(path)
        listed[section].append(path)
    links = "".join(
        f'<li><a href="/{s}/">{t}</a></li>' for s, t in zip(SECTIONS, SECTION_TITLES, strict=True)
    )
    site.pages["/"] = (
        f'<html lang="ar"><head><meta charset="utf-8"><title>الرئيسية</title></head><body>'
        f"<nav><ul>{links}</ul></nav></body></html>"
    ).encode()
    for s, paths in enumerate(listed):
        pages = max(1, (len(paths) + PER_PAGE - 1) // PER_PAGE)
        for page in range(pages):
            items = "".join(
                f'<li><a href="{p}">خبر {p.rsplit("/", 1)[1]}</a></li>'
                for p in paths[page * PER_PAGE : (page + 1) * PER_PAGE]
            )
            nxt = f'<a rel="next" href="/{SECTIONS[s]}/?page={page + 2}">التالي</a>'
            path = f"/{SECTIONS[s]}/" + (f"?page={page + 1}" if page else "")
            site.pages[path] = (
                f'<html lang="ar"><head><meta charset="utf-8"><title>{SECTION_TITLES[s]}</title>'
                f'</head><body><ul class="list">{items}</ul>'
                f"{nxt if page + 1 < pages else ''}</body></html>"
            ).encode()
    site.pages["/robots.txt"] = b"User-agent: *\nAllow: /\n"
    return site


@contextmanager
def serve(site: WireSite) -> Iterator[str]:
    """Serve the site's pages (changes to ``site.pages`` show at once) on a free port of
    127.0.0.1; yields the origin."""
    pages = site.pages

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            data = pages.get(self.path)
            ctype = "text/plain" if self.path.endswith(".txt") else "text/html; charset=utf-8"
            self.send_response(200 if data is not None else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data or b"")))
            self.end_headers()
            self.wfile.write(data or b"")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a worker killed mid-request resets its connections

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
