"""Generic extraction on unseen templates: generates local news sites in several templates (a
blog, a portal with JSON-LD and a summary box, a ``<div>`` + ``<br>`` layout, an old table layout
with short articles written in ``<td>`` + ``<br>`` runs and no ``<p>``, a magazine with
inline «اقرأ أيضا» links, ad slots, captions, tags and an author box, a Levantine portal with
paired month names, subheadings and teaser cards, a WordPress blog with Maghreb month names and
long readers' comments, a Gulf paper (the masthead in an ``<h1>``, Hijri and Gregorian dates, a
«بقلم / د.» byline, price tables in the text, a short link), a script-rendered shell whose
text is only in JSON-LD, a Next.js app-router page whose text is only in its flight data, and
the table layout served as windows-1256 bytes with no charset anywhere), crawls each with the
``news`` spider on 127.0.0.1 and prints, per template, articles found, extra records, body F1
(word 4-grams), titles and dates right, and the body F1 of extraction run on every article page
(found by the crawl or not). The text is built from a small word list of our own."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from devset import shingles, tokens  # noqa: E402

from crawler.commands.extract import extract_record  # noqa: E402
from crawler.sample import serve_pages  # noqa: E402

WORDS = [
    "أعلنت", "الحكومة", "اليوم", "عن", "برنامج", "جديد", "لدعم", "المزارعين", "في", "القرى",
    "الجنوبية", "وقال", "الوزير", "إن", "العمل", "سيبدأ", "خلال", "الشهر", "المقبل", "بمشاركة",
    "البلديات", "والهيئات", "المحلية", "وأضاف", "أن", "الميزانية", "تكفي", "لاستكمال",
    "المرحلة", "الأولى", "من", "الخطة", "وفق", "جدول", "زمني", "معلن", "وتوقع", "خبراء", "أن",
    "يسهم", "المشروع", "في", "خفض", "الأسعار", "وتحسين", "الخدمات", "للمواطنين", "في", "المدن",
    "والأرياف", "على", "حد", "سواء",
]  # fmt: skip
SECTIONS = ["محليات", "اقتصاد", "رياضة", "ثقافة"]


@dataclass
class Story:
    n: int
    title: str
    date: str
    paragraphs: list[str]
    headings: dict[int, str] = field(default_factory=dict)
    """Subheadings printed before the paragraph of that index: part of the text too."""
    rows: dict[int, list[str]] = field(default_factory=dict)
    """A data table's rows printed after the paragraph of that index (cells joined by « | »):
    part of the text too."""

    @property
    def text(self) -> str:
        return "\n".join(
            "\n".join(
                [*([self.headings[k]] if k in self.headings else []), p, *self.rows.get(k, [])]
            )
            for k, p in enumerate(self.paragraphs)
        )


def story(n: int, short: bool) -> Story:
    count = 1 + n % 3 if short else 4 + n % 3
    paragraphs = []
    for k in range(count):
        size = 14 + (n * 5 + k * 7) % 18
        words = [WORDS[(n * 11 + k * 13 + i * 3) % len(WORDS)] for i in range(size)]
        paragraphs.append(" ".join(words) + f" (رقم {n}-{k}).")
    title = " ".join(WORDS[(n * 7 + i) % len(WORDS)] for i in range(6)) + f" {n}"
    return Story(n, title, f"2026-11-{1 + n % 28:02d}", paragraphs)


def page(head: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">{head}</head>'
        f"<body>{body}</body></html>"
    )


def blog(s: Story) -> tuple[str, str]:
    text = "".join(f"<p>{p}</p>" for p in s.paragraphs)
    related = "".join(
        f'<li><a href="/?p={1000 + (s.n + k) % 30}">مقال ذو صلة {k}</a></li>' for k in (1, 2, 3)
    )
    return f"/?p={1000 + s.n}", page(
        f"<title>{s.title} – مدونة الأخبار</title>",
        '<header class="site-header"><a href="/">مدونة الأخبار</a></header>'
        f'<article class="post"><h1 class="entry-title">{s.title}</h1>'
        f'<div class="entry-meta"><time datetime="{s.date}T09:30:00+03:00">{s.date}</time></div>'
        f'<div class="entry-content">{text}</div></article>'
        f'<section class="related-posts"><h3>مقالات ذات صلة</h3><ul>{related}</ul></section>'
        '<section id="comments"><h3>التعليقات</h3><div class="comment"><p>تعليق من قارئ على '
        "هذا الموضوع المهم والمفيد للجميع شكرا لكم.</p></div></section>",
    )  # fmt: skip


def portal(s: Story) -> tuple[str, str]:
    summary = s.paragraphs[0][:90].rsplit(" ", 1)[0]
    ld = json.dumps(
        {"@context": "https://schema.org", "@type": "NewsArticle", "headline": s.title,
         "datePublished": f"{s.date}T12:00:00+02:00", "description": summary},
        ensure_ascii=False,
    )  # fmt: skip
    text = "".join(f"<p>{p}</p>" for p in s.paragraphs)
    slug = f"story-{s.n}-{s.date}"
    return f"/news/{s.date.replace('-', '/')}/{slug}-{s.n}", page(
        f'<title>{s.title} | بوابة الأخبار</title><script type="application/ld+json">{ld}'
        f'</script><meta property="og:description" content="{summary}">',
        '<nav class="menu"><a href="/">الرئيسية</a><a href="/section/1">محليات</a></nav><main>'
        f'<article><h1>{s.title}</h1><p class="lead">{summary}</p><div class="share-bar">'
        "<a>فيسبوك</a><a>تويتر</a><a>واتساب</a></div>"
        f'<div class="article-body">{text}</div></article><aside class="most-read"><h3>الأكثر '
        'قراءة</h3><ul><li><a href="/">خبر آخر من الأخبار</a></li></ul></aside></main>',
    )


def divbr(s: Story) -> tuple[str, str]:
    day = "-".join(reversed(s.date.split("-")))
    text = "<br><br>".join(s.paragraphs)
    return f"/article/{5000 + s.n}.html", page(
        f"<title>{s.title}</title>",
        '<div id="top"><a href="/">الصفحة الرئيسية</a></div><div id="content">'
        f'<div class="headline">{s.title}</div><span class="date">{day} 10:30</span>'
        f'<div class="text">{text}</div></div><div id="footer">جميع الحقوق محفوظة</div>',
    )


def table(s: Story) -> tuple[str, str]:
    nav = "".join(
        f'<tr><td><a href="/section.asp?id={k}">{name}</a></td></tr>'
        for k, name in enumerate(SECTIONS)
    )
    text = "<br>".join(s.paragraphs)
    return f"/show.asp?id={7000 + s.n}", (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        f'<title>جريدة الأيام</title></head><body><table width="100%"><tr><td width="18%">'
        f'<table>{nav}</table></td><td valign="top"><font size="4"><b>{s.title}</b></font><br>'
        f'<font size="2">{s.date.replace("-", "/")}</font><br><br><font size="3">{text}</font>'
        '</td></tr></table><table><tr><td align="center">جميع الحقوق محفوظة</td></tr></table>'
        "</body></html>"
    )  # fmt: skip


def magazine(s: Story) -> tuple[str, str]:
    day = int(s.date[-2:])
    printed = f"الأحد {day} نوفمبر 2026 - 10:30 ص"
    parts = []
    for k, p in enumerate(s.paragraphs):
        parts.append(f"<p>{p}</p>")
        if k == 1:
            parts.append(
                f'<div class="read-also"><strong>اقرأ أيضا:</strong> <a href="/mag/{s.n + 1}">'
                "عنوان خبر آخر من الموقع نفسه</a></div>"
                '<div class="ad-slot">إعلان</div>'
                '<figure><img src="/i/1.jpg" alt="صورة أرشيفية"><figcaption>صورة أرشيفية'
                "</figcaption></figure>"
            )
    tags = "".join(f'<a href="/tag/{t}">{t}</a>' for t in ("الحكومة", "المزارعين"))
    return f"/mag/{s.n}", page(
        f'<title>{s.title} - مجلة الأخبار</title><meta property="og:title" content="{s.title} - '
        'مجلة الأخبار"><meta property="og:site_name" content="مجلة الأخبار">',
        '<div class="topbar"><a href="/">مجلة الأخبار</a> <a href="/mag/0">محليات</a></div>'
        f'<section class="story"><div class="kicker">محليات</div><h1>{s.title}</h1>'
        f'<div class="story-meta"><span class="writer">كتب: سامي الشريف</span> '
        f'<span class="time">{printed}</span></div>'
        '<div class="share"><a>فيسبوك</a> <a>تويتر</a> <a>نسخ الرابط</a></div>'
        f'<div class="story-text">{"".join(parts)}</div><div class="tags">{tags}</div>'
        '<div class="author-box"><p>سامي الشريف صحفي متخصص في الشؤون المحلية ويكتب منذ عشر '
        "سنوات في المجلة عن قضايا المدن والقرى.</p></div></section>"
        '<div class="fb-comments">التعليقات تعبر عن رأي أصحابها ولا تعبر عن رأي الموقع</div>',
    )  # fmt: skip


def levant(s: Story) -> tuple[str, str]:
    day = int(s.date[-2:])
    printed = f"{day} تشرين الثاني / نوفمبر 2026 09:22 مساءً"
    s.headings[2] = f"عنوان فرعي للخبر رقم {s.n}"
    text = "".join(
        (f"<h2>{s.headings[k]}</h2>" if k in s.headings else "") + f"<p>{p}</p>"
        for k, p in enumerate(s.paragraphs)
    )
    teasers = "".join(
        f'<div class="card"><a href="/node/{9000 + (s.n + k) % 30}"><h3>خبر ذو صلة رقم {k}</h3>'
        "</a><p>ملخص قصير للخبر ذي الصلة يظهر تحت العنوان في صندوق المزيد.</p></div>"
        for k in (1, 2, 3)
    )
    return f"/node/{9000 + s.n}", page(
        f"<title>{s.title} | شبكة المشرق</title>",
        '<div class="region-header"><a href="/">شبكة المشرق</a></div>'
        f'<div class="node"><h1 class="page-title">{s.title}</h1>'
        f'<div class="submitted">{printed}</div>'
        f'<div class="field-name-body"><div class="field-item">{text}</div></div></div>'
        f'<div class="block-more"><h2>المزيد من محليات</h2>{teasers}</div>'
        '<div class="region-footer">© 2026 شبكة المشرق</div>',
    )  # fmt: skip


MAGHREB_MONTHS = ["جانفي", "فيفري", "مارس", "أفريل", "ماي", "جوان", "جويلية", "أوت", "سبتمبر",
                  "أكتوبر", "نوفمبر", "ديسمبر"]  # fmt: skip


def comments(s: Story) -> tuple[str, str]:
    day = int(s.date[-2:])
    printed = f"{day} {MAGHREB_MONTHS[int(s.date[5:7]) - 1]} {s.date[:4]} على الساعة 14:05"
    text = "".join(f"<p>{p}</p>" for p in s.paragraphs)
    replies = "".join(
        f'<li class="comment"><div class="comment-author">قارئ {k}</div><div class="comment-body">'
        f"<p>{' '.join(WORDS[(s.n + k * 5 + i) % len(WORDS)] for i in range(24))} رأي القارئ.</p>"
        "</div></li>"
        for k in (1, 2, 3)
    )
    return f"/{s.date.replace('-', '/')}/akhbar-{s.n}/", page(
        f"<title>{s.title} | الشروق المغاربي</title>",
        '<div id="masthead"><a href="/">الشروق المغاربي</a></div>'
        f'<div id="primary"><article class="post type-post"><h1 class="entry-title">{s.title}'
        f'</h1><span class="posted-on">{printed}</span><div class="entry-content">{text}</div>'
        '</article><div id="comments" class="comments-area"><h2 class="comments-title">3 تعليقات'
        f'</h2><ol class="comment-list">{replies}</ol></div></div>',
    )


HIJRI_MONTHS = ["جمادى الأولى", "جمادى الآخرة"]


def gulf(s: Story) -> tuple[str, str]:
    """A Gulf paper: the masthead in an ``<h1>`` and the headline in an ``<h2>``, a skip link,
    the Hijri date printed before the Gregorian one, a «بقلم / د.» byline, a price table inside
    the text of every third article, and the page's short link under it; no JSON-LD or og tags."""
    day = int(s.date[-2:])
    hijri = f"{(day + 10) % 29 + 1} {HIJRI_MONTHS[day % 2]} 1448 هـ"
    if s.n % 3 == 0 and len(s.paragraphs) > 1:
        cells = [["الصنف", "السعر", "التغير"]] + [
            [f"صنف رقم {k}", f"{100 + s.n * 7 + k},50 ريال", f"+{k}.{s.n % 10}%"] for k in (1, 2, 3)
        ]
        s.rows[0] = [" | ".join(row) for row in cells]
    table = ""
    if s.rows:
        head, *body = [row.split(" | ") for row in s.rows[0]]
        table = (
            "<table class='prices'><tr>" + "".join(f"<th>{c}</th>" for c in head) + "</tr>"
            + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in body)
            + "</table>"
        )  # fmt: skip
    text = "".join(f"<p>{p}</p>" + (table if k == 0 else "") for k, p in enumerate(s.paragraphs))
    return f"/articles/{120000 + s.n}.html", page(
        f"<title>{s.title} - صحيفة الوطن الخليجية</title>",
        '<a class="skip-link" href="#content">تخطى إلى المحتوى</a>'
        '<header><h1 class="site-logo"><a href="/">صحيفة الوطن الخليجية</a></h1>'
        '<nav><a href="/">الرئيسية</a> <a href="/local">محليات</a></nav></header>'
        f'<div id="content" class="article"><h2 class="article-title">{s.title}</h2>'
        f'<div class="date">الأحد {hijri} الموافق {day} نوفمبر 2026</div>'
        '<div class="writer">بقلم / د. سلمان العتيبي</div>'
        f'<div class="article-text">{text}</div>'
        f'<div class="short-url">رابط مختصر: https://gulf.example/s/{s.n:x}</div></div>'
        '<footer>جميع الحقوق محفوظة © 2026</footer>',
    )  # fmt: skip


def spa(s: Story) -> tuple[str, str]:
    ld = json.dumps(
        {"@context": "https://schema.org", "@type": "NewsArticle", "headline": s.title,
         "datePublished": f"{s.date}T08:15:00+03:00", "articleBody": "\n".join(s.paragraphs),
         "author": {"@type": "Person", "name": "هالة منصور"}},
        ensure_ascii=False,
    )  # fmt: skip
    return f"/a/{s.n:06d}", page(
        f'<title>{s.title}</title><meta property="og:type" content="article">'
        f'<script type="application/ld+json">{ld}</script>',
        '<div id="root"></div><noscript>يرجى تفعيل جافا سكريبت لعرض الموقع.</noscript>',
    )


def flight(s: Story) -> tuple[str, str]:
    """A Next.js app-router page: an empty app root, the text only in the React Server
    Components flight data (an HTML text row the article's row points at), pushed in pieces
    beside a related-articles row and a readers' comments row."""
    text = "".join(f"<p>{p}</p>" for p in s.paragraphs)
    summary = s.paragraphs[0][:90].rsplit(" ", 1)[0]
    article = {"title": s.title, "excerpt": summary, "html": "$2a", "section": SECTIONS[s.n % 4]}
    others = {
        "related": [
            {"title": f"خبر ذو صلة رقم {k}", "href": f"/n/{(s.n + k) % 30}", "excerpt": summary}
            for k in (1, 2, 3)
        ],
        "comments": [
            {"author": "قارئ", "body": " ".join(WORDS[(s.n + i) % len(WORDS)] for i in range(80))}
        ],
    }
    rows = (
        '1:"$Sreact.fragment"\n3:I[7781,["static/chunks/app/n/page.js"],"Story"]\n'
        f"2a:T{len(text.encode('utf-8')):x},{text}"
        f"4:{json.dumps(['$', '$L3', None, {'story': article}], ensure_ascii=False)}\n"
        f"6:{json.dumps(others, ensure_ascii=False)}\n"
    )
    pushes = "".join(
        f"<script>self.__next_f.push([1,{json.dumps(rows[k : k + 400])}])</script>"
        for k in range(0, len(rows), 400)
    )
    return f"/n/{s.n}", page(
        f'<title>{s.title} | منصة الخبر</title><meta property="og:type" content="article">'
        f'<meta property="og:title" content="{s.title}">'
        f'<meta property="article:published_time" content="{s.date}T07:45:00+03:00">',
        '<div id="app"><nav><a href="/">منصة الخبر</a></nav><div class="loading"></div></div>'
        "<script>(self.__next_f=self.__next_f||[]).push([0])</script>" + pushes,
    )


def legacy(s: Story) -> tuple[str, str]:
    path, html = table(s)
    html = html.replace('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">', "")
    return path.replace("show.asp", "news_show.asp"), html


# name: (page renderer, short articles, charset of the bytes served: a charset other than UTF-8
# is declared nowhere, as old Arabic sites serve windows-1256).
TEMPLATES: dict[str, tuple[Callable[[Story], tuple[str, str]], bool, str]] = {
    "blog": (blog, False, "utf-8"),
    "portal": (portal, False, "utf-8"),
    "div+br": (divbr, False, "utf-8"),
    "table (short)": (table, True, "utf-8"),
    "magazine": (magazine, False, "utf-8"),
    "levant": (levant, False, "utf-8"),
    "comments": (comments, False, "utf-8"),
    "gulf": (gulf, False, "utf-8"),
    "spa (JSON-LD)": (spa, False, "utf-8"),
    "next (flight)": (flight, False, "utf-8"),
    "cp1256 table": (legacy, True, "cp1256"),
}


def build(
    render: Callable[[Story], tuple[str, str]], short: bool, n: int, charset: str = "utf-8"
) -> tuple[dict[str, tuple[str, bytes]], dict[str, Story]]:
    pages: dict[str, tuple[str, bytes]] = {}
    stories: dict[str, Story] = {}
    for i in range(n):
        s = story(i, short)
        path, html = render(s)
        ctype = "text/html; charset=utf-8" if charset == "utf-8" else "text/html"
        pages[path] = (ctype, html.encode(charset))
        stories[path] = s
    per = 10
    for k in range(0, n, per):
        links = "".join(
            f'<li><a href="{p.replace("&", "&amp;")}">{stories[p].title}</a></li>'
            for p in list(stories)[k : k + per]
        )
        nxt = f'<a rel="next" href="/list/{k // per + 1}">التالي</a>' if k + per < n else ""
        home = "/" if k == 0 else f"/list/{k // per}"
        pages[home] = (
            "text/html; charset=utf-8",
            page("<title>الرئيسية</title>", f"<ul>{links}</ul>{nxt}").encode(),
        )
    return pages, stories  # fmt: skip


def _direct_f1(
    origin: str, pages: dict[str, tuple[str, bytes]], stories: dict[str, Story]
) -> float:
    """Body F1 of extraction and cleaning run on every article page, found by the crawl or not
    (what a registered site, whose article URLs are known, gets)."""
    tp = fp = fn = 0
    for path, s in stories.items():
        record = extract_record(origin + path, pages[path][1])
        truth = shingles(tokens(s.text))
        got = shingles(tokens(str(record.get("body") or "")))
        common = sum((truth & got).values())
        tp, fp, fn = tp + common, fp + sum(got.values()) - common, fn + sum(truth.values()) - common
    return 2 * tp / max(1, 2 * tp + fp + fn)


def crawl(origin: str, work: Path) -> list[dict[str, object]]:
    subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"urls={origin}/",
         "-s", f"OUTPUT_DIR={work / 'out'}", "-s", f"STATE_PATH={work / 'state.sqlite3'}",
         "-s", "LOG_LEVEL=WARNING", "-s", "DEDUP_MODE=mark"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    (dump,) = (work / "out").glob("*/*.jsonl")
    return [json.loads(x) for x in dump.read_text(encoding="utf-8").splitlines() if x.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--articles", type=int, default=30, help="articles per template")
    args = parser.parse_args()
    print(
        f"{'template':<14} {'found':>7} {'extra':>5} {'body F1':>8} {'titles':>7} {'dates':>7} "
        f"{'extract F1':>11}"
    )
    for name, (render, short, charset) in TEMPLATES.items():
        pages, stories = build(render, short, args.articles, charset)
        served = serve_pages(lambda _origin, p=pages: p)  # type: ignore[misc]
        with served as (origin, _), tempfile.TemporaryDirectory() as tmp:
            records = crawl(origin, Path(tmp))
        tp = fp = fn = found = titles = dates = extra = 0
        seen: set[str] = set()
        for record in records:
            url = str(record["url"])
            path = url[len(origin) :]
            s = stories.get(path)
            if s is None:
                extra += 1
                continue
            found += path not in seen
            seen.add(path)
            truth = shingles(tokens(s.text))
            got = shingles(tokens(str(record.get("body") or "")))
            common = sum((truth & got).values())
            tp, fp, fn = (
                tp + common,
                fp + sum(got.values()) - common,
                fn + sum(truth.values()) - common,
            )
            titles += record.get("title") == s.title
            dates += str(record.get("published_at") or "")[:10] == s.date
        missed = len(stories) - found
        fn += sum(sum(shingles(tokens(stories[p].text)).values()) for p in stories if p not in seen)
        f1 = 2 * tp / max(1, 2 * tp + fp + fn)
        direct = _direct_f1(origin, pages, stories)
        print(
            f"{name:<14} {found:>3}/{len(stories):<3} {extra:>5} {f1:>8.3f} "
            f"{titles:>3}/{found:<3} {dates:>3}/{found:<3} {direct:>11.3f}"
            + (f"  ({missed} missed)" if missed else "")
        )


if __name__ == "__main__":
    main()
