"""A small blog-shaped news site unlike the registered ones (``?p=`` articles, category pages
with ``/page/N/`` pagination, comments, related posts, a root sitemap), served on 127.0.0.1."""

from __future__ import annotations

from contextlib import AbstractContextManager

from crawler.sample import Pages, serve_pages

TOPICS = ["الاقتصاد", "الرياضة", "الثقافة", "الصحة", "التعليم", "النقل"]
SENTENCES = [
    "وقال مسؤول في الهيئة إن الخطة الجديدة تستهدف رفع كفاءة الخدمات المقدمة للمواطنين.",
    "وأضاف أن العمل يجري على عدة محاور بالتوازي مع متابعة دورية لمعدلات التنفيذ.",
    "وأشار التقرير إلى أن نسبة الإنجاز تجاوزت التوقعات في الربع الأخير من العام.",
    "ومن المنتظر أن تعلن اللجنة المختصة نتائج المراجعة الشاملة في مؤتمر صحفي مطلع الشهر القادم.",
    "وكانت الحكومة قد خصصت اعتمادات إضافية لاستكمال المشروعات المتأخرة وتحسين البنية الأساسية.",
]


def article_id(n: int) -> int:
    return 100 + n


def article(n: int) -> str:
    topic = TOPICS[n % len(TOPICS)]
    paragraphs = [
        f"أعلنت الجهات المعنية بملف {topic} اليوم عن حزمة إجراءات جديدة رقم {n} تشمل عدة قطاعات."
    ] + [f"{s} (ملف {topic} رقم {n})" for s in SENTENCES[: 3 + n % 3]]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    related = "".join(
        f'<li><a href="/?p={article_id((n + k) % 10)}">خبر ذو صلة رقم {k} عن {topic}</a></li>'
        for k in (1, 2)
    )
    return page(
        f"إجراءات جديدة في ملف {topic} رقم {n}",
        f'<article class="post"><h1 class="entry-title">إجراءات جديدة في ملف {topic} رقم {n}</h1>'
        f'<div class="entry-meta">نشر في 2{n % 8} نوفمبر 2026</div>'
        f'<div class="entry-content">{body}</div></article>'
        f'<section class="related-posts"><h3>مقالات ذات صلة</h3><ul>{related}</ul></section>'
        '<section id="comments"><h3>التعليقات</h3><div class="comment"><p>تعليق قارئ: هذا '
        "الخبر مهم جدا ونتمنى أن تتابعوا تطورات الملف في الأيام القادمة بالتفصيل الكامل.</p>"
        "</div></section>",
    )


def listing(category: str, numbers: list[int], next_href: str | None) -> str:
    items = "".join(
        f'<div class="teaser"><h2><a href="/?p={article_id(n)}">إجراءات جديدة رقم {n}</a></h2>'
        f"<p>ملخص الخبر: أعلنت الجهات المعنية اليوم عن حزمة إجراءات جديدة تشمل عدة قطاعات "
        f'<a href="/?p={article_id(n)}">التفاصيل</a></p></div>'
        for n in numbers
    )
    nxt = f'<a class="next" href="{next_href}">الصفحة التالية</a>' if next_href else ""
    return page(f"قسم {category}", f"<h1>قسم {category}</h1>{items}{nxt}")


def page(title: str, main: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title} - '
        'مدونة الأخبار</title><meta property="og:type" content="website"></head><body>'
        '<header><a href="/">مدونة الأخبار</a><nav><a href="/category/economy/">اقتصاد</a> '
        '<a href="/about/">من نحن</a></nav></header>'
        f'<main id="content">{main}</main><footer><p>جميع الحقوق محفوظة</p></footer></body></html>'
    )


ABOUT = page(
    "من نحن",
    "<h1>من نحن</h1><p>مدونة الأخبار موقع مستقل يقدم تغطية يومية للأحداث المحلية والدولية منذ "
    "سنوات طويلة بفريق من المحررين.</p><p>نلتزم بالدقة والحياد في نقل الأخبار ونرحب بملاحظات "
    "القراء ومقترحاتهم عبر البريد الإلكتروني.</p>",
)

HIDDEN = 10  # announced only by the root sitemap


def pages(origin: str) -> dict[str, str]:
    site = {
        "/": listing("الرئيسية", [0, 1, 2], None),
        "/category/economy/": listing("اقتصاد", [3, 4, 5], "/category/economy/page/2/"),
        "/category/economy/page/2/": listing("اقتصاد", [6, 7], "/category/economy/page/3/"),
        "/category/economy/page/3/": listing("اقتصاد", [8, 9], None),
        "/about/": ABOUT,
        "/robots.txt": "User-agent: *\nAllow: /\n",
        "/sitemap.xml": '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
        'sitemap/0.9">'
        + "".join(f"<url><loc>{origin}/?p={article_id(n)}</loc></url>" for n in range(11))
        + f"<url><loc>{origin}/about/</loc></url></urlset>",
    }
    for n in range(11):
        site[f"/?p={article_id(n)}"] = article(n)
    return site


def serve() -> AbstractContextManager[tuple[str, list[str]]]:
    """The site on a free port; yields its origin and the log of requested paths."""

    def build(origin: str) -> Pages:
        return {
            path: ("application/xml" if path.endswith(".xml") else "text/html", text)
            for path, text in pages(origin).items()
        }

    return serve_pages(build)
