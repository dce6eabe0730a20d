"""Noise cleaning of article text: a catalog of named line rules, a pure cleaner, a pipeline."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from crawler.dates import MONTH_NAMES
from crawler.fields.title import clean_title, site_page_title
from crawler.items import Article
from crawler.sites import BY_NAME, Site, site_for_url
from crawler.text import EASTERN_DIGITS, content_hash, normalize_for_matching, normalize_line

# ------------------------------------------------------------------------------------------------
# The rule catalog
# ------------------------------------------------------------------------------------------------

CATALOG: dict[str, str] = {
    "decoration": "a line made only of tatweel or dash runs",
    "ad_label": "an ad placeholder: Advertisement(s), «إعلان», «مساحة إعلانية», «محتوى مدفوع»...",
    "cookie_consent": "cookie and consent-manager text addressed to the reader, and its buttons",
    "media_player": "video-player strings: Error loading media, Pause Play, Unmute Mute...",
    "font_size": "font-size controls («حجم الخط», A+ A-) and the size number beside them",
    "follow_prompt": "follow and subscribe prompts («تابعونا على ...», «لمتابعة ... اشترك»)",
    "share_networks": "share bars: lines made only of network names and share labels",
    "copyright": "copyright lines (©, «جميع الحقوق محفوظة», All rights reserved)",
    "nav_links": "site navigation and footer links («الرئيسية», «اتصل بنا», design credits)",
    "masthead": "«رئيس التحرير», «رئيس مجلس الإدارة», «الإشراف العام» and the name that follows",
    "read_also": "«اقرأ أيضا», «الأكثر قراءة»... labels with the headline links that follow them",
    "site_rule": "a site's own whole-line noise patterns (registry ``noise_rules``)",
    "repeated_line": "a line identical to the previous kept line (doubled captions, headlines)",
    "section_name": "the site's own section names standing alone at the end of the text",
    "page_chrome": "page controls and labels: tags, share, print, comments, loading, and "
    "«آخر تحديث: ...» time lines",
    "source_line": "an opening or closing «المصدر: وكالات» / Source: line naming where the text "
    "came from",
    "byline": "an opening «كتب: …», «بقلم …», «تحرير: …» line with only a name after the label",
    "dateline": "a line that is only a date or time («الأحد، 12 مايو 2024 10:30 ص», «منذ 3 "
    "ساعات», «2 دقيقة للقراءة»), labelled or not",
    "credit": "a photo or agency credit standing alone: «صورة: واس», «(أ ف ب)», Getty Images",
    "social_embed": "the frame of an embedded post: «View this post on Instagram», «A post shared "
    "by ...», a tweet's «— name (@account) date» line",
}
"""Every rule by its name; ``clean/removed/<name>`` counts its removals."""

# Related-headline lists after a label: how many lines may follow in the middle of a text, and how
# many when the list runs to the end of it.
MAX_HEADLINES = 5
MAX_TRAILING_HEADLINES = 12

_MARKS = "[\u0610-\u061a\u064b-\u065f\u0670\u0640]*"
_VARIANTS = {"ا": "[اأإآٱ]", "ي": "[يىی]", "ه": "[هة]", "ك": "[كک]"}
_OPEN_QUOTES = "\"“„«'‘‚‹"
# Bullets, arrows, emoji and other non-word, non-quote marks that may lead a label.
_LEAD = re.compile(r"^[^\w\"“„«'‘‚‹]+")
_TERMINAL = re.compile(r"(?:(?<!\.)\.|[:;؛،,])[\"”»'’)\]]*$")
_BULLET = re.compile(r"^[•·*▪■●◆◄►▶◀←→⬅➡>»\-–—]\s*")
_ARABIC_LETTER = "[\u0620-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06fa-\u06fc\u06ff]"
_MARK_CLASS = "[\u0610-\u061a\u064b-\u065f\u0670]"
# Tatweel inside a word only stretches it; after «الـ» before a number or a quote it is typography.
_KASHIDA = re.compile(
    f"(?<={_ARABIC_LETTER}|{_MARK_CLASS})\u0640+(?={_ARABIC_LETTER}|{_MARK_CLASS})"
)
_TATWEEL_RUN = re.compile("\u0640{2,}")
_EXTRA_INVISIBLE = re.compile("[\u2060-\u2064\u180e]")
_SPACES = re.compile(r"\s+")


def _fold(phrase: str) -> str:
    return normalize_for_matching(phrase)


def _alt(phrases: tuple[str, ...] | list[str]) -> str:
    """A regex alternation of phrases in matching form, longest first."""
    keys = sorted({_fold(p) for p in phrases}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(k) for k in keys) + ")"


def _flex(phrase: str) -> str:
    """A regex matching ``phrase`` as written on a page: any alef, ya or ta marbuta form,
    tashkeel or tatweel between letters, spaces or hyphens between words."""
    words = []
    for word in _fold(phrase).split():
        words.append("".join(_VARIANTS.get(c, re.escape(c)) + _MARKS for c in word))
    return r"[\s\-]+".join(words)


@dataclass(frozen=True)
class Line:
    """One non-empty line as readers see it, with the forms the rules match on."""

    text: str
    """Readable form: NFC, no invisible controls, spaces collapsed, kashida removed."""
    key: str
    """Matching form (:func:`crawler.text.normalize_for_matching`): no punctuation, folded."""
    bare: str
    """``text`` without leading bullets, arrows or emoji."""
    words: int
    quoted: bool
    """Starts with an opening quotation mark: a quotation, never a label or prompt."""

    @classmethod
    def of(cls, raw: str) -> Line:
        text = readable_line(raw)
        bare = _LEAD.sub("", text)
        return cls(
            text=text,
            key=normalize_for_matching(text),
            bare=bare,
            words=len(text.split()),
            quoted=bare[:1] in _OPEN_QUOTES and bare != "",
        )


def readable_line(raw: str) -> str:
    """One line in the text convention: NFC, no zero-width or bidi controls, one plain space
    between words, no kashida stretching, runs of free tatweel reduced to one."""
    line = _EXTRA_INVISIBLE.sub("", normalize_line(raw))
    line = _KASHIDA.sub("", line)
    line = _TATWEEL_RUN.sub("\u0640", line)
    return _SPACES.sub(" ", line).strip()


def sentence_like(line: Line) -> bool:
    """Reads as running text: ends like a sentence or is too long for a headline."""
    return bool(_TERMINAL.search(line.text)) or line.words > 22 or len(line.text) > 160


def headline_like(line: Line) -> bool:
    """Reads like a headline link: a few words, no sentence ending."""
    return line.words >= 3 and not sentence_like(line)


# --- decoration ---------------------------------------------------------------------------------

_DECORATION = re.compile(r"\u0640+|[\u0640\-–—_=~•·]{3,}")


def _decoration(line: Line) -> bool:
    return bool(_DECORATION.fullmatch(line.text.replace(" ", "")))


# --- ad labels ----------------------------------------------------------------------------------

_AD_PHRASES = (
    "Advertisement", "Advertisements", "Advert", "Ad", "Ads", "Sponsored", "Sponsored content",
    "Paid content", "Paid post", "Promoted", "Promoted content", "Scroll to continue",
    "Scroll to continue with content", "Story continues below advertisement",
    "إعلان", "إعلانات", "مساحة إعلانية", "محتوى مدفوع", "محتوى ممول", "محتوى إعلاني",
    "إعلان ممول", "مادة إعلانية", "مادة ترويجية", "برعاية", "إعلانات جوجل", "سبونسر",
    "Publicité", "Annonce", "Contenu sponsorisé",
)  # fmt: skip
_AD = re.compile(rf"{_alt(_AD_PHRASES)}(?: {_alt(_AD_PHRASES)})*")


def _ad_label(line: Line) -> bool:
    return bool(_AD.fullmatch(line.key))


# --- cookie consent -----------------------------------------------------------------------------

_CONSENT_PHRASES = (
    "Accept all", "Accept all cookies", "Accept cookies", "Allow all", "Allow cookies",
    "Reject all", "Decline all", "Manage options", "Manage preferences", "Manage cookies",
    "Cookie settings", "Cookies settings", "Cookie policy",
    "Consent Manage options", "TCF vendors", "TCF vendor", "Vendor list", "Do not consent",
    "Consent preferences", "Customise choices", "Customize choices", "Confirm choices",
    "We value your privacy", "Your privacy choices", "Do not sell my personal information",
    "Do not sell or share my personal information", "نحترم خصوصيتك", "نحن نحترم خصوصيتك",
    "خصوصيتك تهمنا",
    "قبول الكل", "قبول جميع ملفات تعريف الارتباط", "رفض الكل", "إعدادات ملفات تعريف الارتباط",
    "سياسة ملفات تعريف الارتباط", "إدارة ملفات تعريف الارتباط", "سياسة الكوكيز",
    "Accepter", "Tout accepter", "Refuser", "Tout refuser", "En savoir plus", "Paramétrer",
    "Gérer mes choix",
)  # fmt: skip
_CONSENT = re.compile(_alt(_CONSENT_PHRASES))
_BUTTON_PHRASES = (
    "Accept", "Reject", "Agree", "I agree", "I accept", "Consent", "OK", "Got it", "Close",
    "Decline", "Welcome", "More options", "Options", "Learn more", "Save", "Save and exit",
    "Privacy settings", "موافق", "أوافق", "قبول", "رفض", "إغلاق", "حسنا", "المزيد من الخيارات",
    "حفظ", "إعدادات الخصوصية",
)  # fmt: skip
_CONSENT_BUTTONS = re.compile(_alt(_BUTTON_PHRASES))
_COOKIE_EN = re.compile(r"\b(?:cookies?|personal data|unique identifiers|device data|tcf)\b")
_READER_EN = re.compile(
    r"\b(?:we|our|us|your|you|this (?:web)?site|welcome|nous|vous|votre|vos|ce site)\b"
)
_COOKIE_AR = re.compile(
    _alt(("ملفات تعريف الارتباط", "ملفات الارتباط", "الكوكيز", "كوكيز", "بياناتك الشخصية"))
)
# Consent text speaks to the reader («نستخدم», «تصفحك»); news about cookies does not.
_READER_AR_WORDS = (
    "نستخدم", "نحن", "موقعنا", "تصفحك", "باستخدامك", "استخدامك", "بالاستمرار", "استمرارك",
    "موافقتك", "توافق", "تجربتك", "لك", "نقوم", "شركاؤنا", "شركائنا", "بياناتك", "هذا الموقع",
    "حصولك", "تصفحكم", "لكم",
)  # fmt: skip
# News that quotes a company's own words about cookies: reported speech, not a banner.
_REPORTED = re.compile(
    _alt(
        (
            "قال",
            "قالت",
            "وقال",
            "وقالت",
            "أضاف",
            "وأضاف",
            "وأضافت",
            "أكد",
            "وأكد",
            "وأكدت",
            "أوضح",
            "وأوضح",
            "وأوضحت",
            "أشار",
            "وأشار",
            "وأشارت",
            "ذكر",
            "وذكر",
            "وذكرت",
        )
    )
    + " "
)
_READER_AR = re.compile(rf"(?:^| ){_alt(_READER_AR_WORDS)}(?: |$)")


def _cookie_consent(line: Line) -> bool:
    key = line.key
    if _CONSENT.fullmatch(key):
        return True
    if line.quoted:
        return False
    if _COOKIE_EN.search(key) and _READER_EN.search(key):
        return True
    if _REPORTED.match(key):
        return False
    return bool(_COOKIE_AR.search(key) and _READER_AR.search(key))


def _consent_button(line: Line) -> bool:
    return bool(_CONSENT_BUTTONS.fullmatch(line.key))


# --- media player -------------------------------------------------------------------------------

_PLAYER_STRONG = (
    "Play", "Pause", "Mute", "Unmute", "Replay", "Fullscreen", "Full screen", "Exit fullscreen",
    "Enter fullscreen", "Non-Fullscreen", "Playback rate", "Copy video url", "Vidverto Player",
    "Video player", "Captions", "Captions off", "Subtitles", "Subtitles off", "Current time",
    "Remaining time", "Duration", "Stream type", "Picture in picture", "Tap to unmute",
    "Seek to live", "Audio track", "Descriptions off", "Chapters", "تشغيل الفيديو",
    "إلغاء كتم الصوت", "الخروج من ملء الشاشة",
)  # fmt: skip
# Arabic control words are also subheadings («إعادة التشغيل» of a power plant): alone on a line
# they are noise only beside other player lines.
_PLAYER_AR = ("تشغيل", "إيقاف مؤقت", "كتم الصوت", "ملء الشاشة", "إعادة التشغيل", "إيقاف")
_PLAYER_OTHER = (
    "Settings", "Exit", "Report a problem", "Player", "Loaded", "Progress", "Live", "Quality",
    "Auto", "HD", "Volume", "Skip ad", "Skip", "Close", "Off", "Selected", "Watch on",
    "Watch later", "Share", "More videos", "Info", "opens captions settings dialog",
    "captions settings", "Next", "Previous", "Video", "Text", "Window", "Background",
    "الإعدادات", "فيديو",
)  # fmt: skip
_PLAYER_TOKEN = rf"(?:{_alt(_PLAYER_STRONG + _PLAYER_AR + _PLAYER_OTHER)}|\d+)"
_CLOCK_ONLY = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_PLAYER_LINE = re.compile(rf"{_PLAYER_TOKEN}(?: {_PLAYER_TOKEN})*")
_PLAYER_STRONG_RE = re.compile(rf"(?:^| ){_alt(_PLAYER_STRONG)}(?: |$)")
_PLAYER_AR_RE = re.compile(rf"(?:^| ){_alt(_PLAYER_AR)}(?= |$)")
_PLAYER_MESSAGE = re.compile(
    "(?:"
    + "|".join(
        (
            "error loading media",
            "your browser does not support",
            r"this (?:video|media)(?: file)? (?:is not available|is unavailable|cannot be played"
            r"|could not be played|is no longer available)",
            "the media could not be loaded",
            "a network error caused the media download",
            "no compatible source was found",
            "the media playback was aborted",
            "beginning of dialog window",
            "end of dialog window",
            "this is a modal window",
            "close modal dialog",
            "video player is loading",
            _fold("متصفحك لا يدعم"),
            _fold("خطأ في تحميل") + " " + _alt(("الفيديو", "الوسائط", "المقطع", "الملف")),
            _fold("تعذر تشغيل") + " " + _alt(("الفيديو", "الوسائط", "المقطع")),
            _alt(("جاري", "جار")) + " " + _fold("تحميل الفيديو"),
        )
    )
    + ")"
)
_PLAYER_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s*/\s*\d{1,2}:\d{2}(?::\d{2})?")


def _media_player(line: Line) -> bool:
    key = line.key
    if _PLAYER_TIME.fullmatch(line.text) or _PLAYER_MESSAGE.match(key):
        return True
    if not _PLAYER_LINE.fullmatch(key):
        return False
    return bool(_PLAYER_STRONG_RE.search(key)) or len(_PLAYER_AR_RE.findall(key)) >= 2


def _player_word(line: Line) -> bool:
    """Made only of player words (one of them an Arabic control word), or a bare clock time."""
    if _CLOCK_ONLY.fullmatch(line.text):
        return True
    return bool(_PLAYER_LINE.fullmatch(line.key) and _PLAYER_AR_RE.search(line.key))


# --- font size ----------------------------------------------------------------------------------

_FONT_PHRASES = (
    "حجم الخط", "تكبير الخط", "تصغير الخط", "حجم النص", "تغيير حجم الخط", "تكبير النص",
    "تصغير النص", "Font size", "Text size",
)  # fmt: skip
_FONT = re.compile(
    rf"(?:date(?: \d+){{1,6}} )?(?:\d{{1,3}} )?{_alt(_FONT_PHRASES)}(?: (?:a|ا|\d{{1,3}}))*"
)
_FONT_BUTTONS = re.compile(r"(?:[Aaأ][+\-−]|[+\-−][Aaأ])(?:\s*(?:[Aaأ][+\-−]?|[+\-−][Aaأ]))*")
_SMALL_NUMBER = re.compile(r"\d{1,3}")
_RANK = re.compile(r"\d{1,2}")


_FONT_PAIR = re.compile(rf"{_alt(_FONT_PHRASES)}(?: {_alt(_FONT_PHRASES)})+")


def _font_size(line: Line) -> bool:
    return bool(
        _FONT.fullmatch(line.key)
        or _FONT_PAIR.fullmatch(line.key)
        or _FONT_BUTTONS.fullmatch(line.text)
    )


# --- follow and subscribe prompts -----------------------------------------------------------------

_PLATFORMS = _alt(
    (
        "Facebook", "فيسبوك", "فيس بوك", "Twitter", "تويتر", "إكس", "Instagram", "انستجرام",
        "إنستجرام", "انستغرام", "إنستغرام", "انستقرام", "YouTube", "يوتيوب", "TikTok", "تيك توك",
        "تيكتوك", "Telegram", "تليجرام", "تلجرام", "تلغرام", "تيليجرام", "WhatsApp", "واتساب",
        "واتس اب", "واتس آب", "Snapchat", "سناب شات", "LinkedIn", "لينكد إن", "Google News",
        "جوجل نيوز", "نبض", "Threads", "ثريدز",
    )
)  # fmt: skip
_OURS = _alt(
    (
        "قناتنا", "صفحتنا", "حسابنا", "حساباتنا", "موقعنا", "تطبيقنا", "مجموعتنا", "نشرتنا",
        "النشرة البريدية", "صفحاتنا", "قائمتنا البريدية", "القائمة البريدية",
    )
)  # fmt: skip
_SUBSCRIBE = (
    "(?:"
    + _alt(("اشترك", "اشتركوا", "انضم", "انضموا", "فعل", "فعلوا"))
    + r"(?: " + _fold("الآن") + r")?(?: " + _alt(("في", "إلى", "على")) + r")? ?(?:ل)?"
    + r"(?:" + _OURS + "|" + _PLATFORMS + "|" + _alt(("الإشعارات", "التنبيهات", "إشعارات"))
    # «قناة», «خدمة» count only with a named platform: «اشترك في قناة السويس» is news.
    + "|" + _alt(("قناة", "خدمة", "تطبيق", "النشرة")) + r"\b.*\b" + _PLATFORMS + ")"
    + "|" + _alt(("حمل", "حملوا", "نزل", "نزلوا")) + r"(?: " + _fold("الآن") + r")? "
    + _alt(("تطبيق", "التطبيق")) + ")"
)  # fmt: skip
_FOLLOW_US = _alt(("تابعونا", "تابعنا", "تابعوني")) + "(?: |$)"
_FOLLOW_ONE = (
    _alt(("تابع", "تابعوا", "وتابعوا", "تابعي"))
    + r" (?:(?:.* )?"
    + _OURS
    + "|"
    + _alt(("آخر الأخبار", "أحدث الأخبار", "أهم الأخبار", "الأخبار العاجلة", "كل جديد"))
    + r")(?: |$)"
)
_FOLLOW_LEAD = _alt(
    ("لمتابعة", "ولمتابعة", "للمزيد", "ولمزيد", "لمزيد", "ليصلك", "لتصلك", "لكي يصلك", "لمعرفة",
     "للاشتراك", "وللاشتراك", "للانضمام")
)  # fmt: skip
_FOLLOW = re.compile(
    rf"(?:{_FOLLOW_US}|{_SUBSCRIBE}|{_FOLLOW_ONE}|{_fold('اضغط هنا')}"
    rf"|{_FOLLOW_LEAD} .*(?:{_FOLLOW_US}|{_SUBSCRIBE}|{_FOLLOW_ONE}|{_fold('اضغط هنا')}"
    rf"|(?:{_alt(('على', 'عبر'))}) (?:{_OURS}|{_PLATFORMS})))"
)
_FOLLOW_EN = re.compile(
    r"(?:follow us|follow (?:\w+ )?on "
    + _PLATFORMS
    + r"|subscribe|sign up for|join (?:us|our)|download (?:our|the) app|like us on"
    + r"|get the latest|never miss|stay up to date)\b"
)


# «اشترك في النشرة البريدية ليصلك …», «احصل على أهم الأخبار في بريدك …»: a newsletter box, even
# when written as a sentence.
_NEWSLETTER = re.compile(
    _alt(("اشترك", "اشتركي", "اشتركوا", "احصل", "احصلي", "انضم", "ليصلك", "لتصلك"))
    + r" .*"
    + _alt(("بريدك", "بريدك الإلكتروني", "صندوق بريدك", "نشرتنا", "النشرة البريدية"))
    + r"(?: |$)"
)


# «تابع موقع فيتو عبر قناة (يوتيوب) اضغط هنا», «تابعوا «الخليج» على تطبيق نبض»: follow a named
# outlet on a named platform, in a short line.
_FOLLOW_OUTLET = re.compile(
    _alt(("تابع", "تابعوا", "تابعي", "تابعونا", "تابعنا"))
    + r" (?:\S+ ){0,5}"
    + _alt(("على", "عبر"))
    + r" (?:\S+ ){0,2}"
    + _PLATFORMS
    + r"(?: |$)"
)
_FOLLOW_PHRASES = re.compile(
    _alt(
        (
            "اشترك الآن",
            "اشترك مجانا",
            "هل أعجبك المقال شاركه مع أصدقائك",
            "شاركه مع أصدقائك",
            "شارك المقال مع أصدقائك",
            "Subscribe now",
        )
    )
)


def _follow_prompt(line: Line) -> bool:
    if line.quoted or line.words > 25:
        return False
    key = line.key
    if _FOLLOW_EN.match(key) or _NEWSLETTER.match(key) or _FOLLOW_PHRASES.fullmatch(key):
        return True
    if line.words <= 14 and _FOLLOW_OUTLET.match(key):
        return True
    if not _FOLLOW.match(key):
        return False
    # A prompt may end with a period, but «تابع»/«لمتابعة» running text ending in one is a sentence.
    return not _TERMINAL.search(line.text) or key.startswith(("تابعونا", "تابعنا"))


# --- share bars ---------------------------------------------------------------------------------

_SHARE_WORDS = (
    "Facebook", "فيسبوك", "Twitter", "تويتر", "X", "إكس", "اكس", "WhatsApp", "واتساب", "Telegram",
    "تليجرام", "تلجرام", "تلغرام", "تيليجرام", "Instagram", "انستجرام", "انستغرام", "LinkedIn",
    "لينكدإن", "YouTube", "يوتيوب", "TikTok", "تيكتوك", "Snapchat", "Pinterest", "Reddit",
    "Messenger", "ماسنجر", "Email", "Gmail", "إيميل", "Print", "طباعة", "Tweet", "غرد", "شارك",
    "مشاركة", "المشاركة", "انشر", "Share", "Shares", "Threads", "ثريدز", "Partager", "Tweeter",
)  # fmt: skip
_SHARE_PHRASES = (
    "فيس بوك", "واتس اب", "واتس آب", "لينكد إن", "تيك توك", "سناب شات", "Google News",
    "جوجل نيوز", "E-mail", "البريد الإلكتروني", "بريد إلكتروني", "نسخ الرابط", "تم نسخ الرابط",
    "انسخ الرابط", "رابط مختصر", "الرابط المختصر", "رابط قصير", "الرابط القصير", "Copy link",
    "Link copied", "شارك الخبر", "شارك المقال",
    "شارك عبر", "شارك على", "شارك الموضوع", "Share this", "Share this article", "Share on",
    "مشاركة الخبر",
)  # fmt: skip
_SHARE_TOKEN = _alt(_SHARE_WORDS + _SHARE_PHRASES)
_SHARE_LINE = re.compile(rf"{_SHARE_TOKEN}(?: {_SHARE_TOKEN})*")
# One network name alone, even written in two words («تيك توك»), may be a subheading.
_SHARE_SINGLE = re.compile(
    _alt((*_SHARE_WORDS, "فيس بوك", "واتس اب", "واتس آب", "لينكد إن", "تيك توك", "سناب شات"))
)


def _share_line(line: Line) -> bool:
    """Made only of network names and share labels (one word or more)."""
    return bool(_SHARE_LINE.fullmatch(line.key))


def _share_networks(line: Line) -> bool:
    """A share line that says so by itself: more than one name, or a share phrase."""
    return _share_line(line) and not _SHARE_SINGLE.fullmatch(line.key)


# --- copyright ----------------------------------------------------------------------------------

_RIGHTS = _alt(
    (
        "جميع الحقوق محفوظة", "كل الحقوق محفوظة", "الحقوق محفوظة", "حقوق النشر محفوظة",
        "حقوق الطبع محفوظة", "حقوق الطبع والنشر محفوظة", "جميع حقوق النشر محفوظة",
        "All rights reserved",
    )
)  # fmt: skip
_COPYRIGHT = re.compile(
    rf"(?:copyright )?(?:\d{{4}} )*{_RIGHTS}(?: |$)|copyright(?: \d{{4}})+(?: |$)"
)


def _copyright(line: Line) -> bool:
    if line.quoted or line.words > 15:
        return False
    if "©" in line.text or line.text.lower().startswith("(c) "):
        return True
    if not _COPYRIGHT.match(line.key):
        return False
    # «جميع الحقوق محفوظة لموقع …، 2024» may carry a comma; a sentence has more after it.
    if ("،" in line.text or "," in line.text) and line.words > 8:
        return False
    return line.words <= 10 and not line.text.endswith(".")


# --- navigation and footer ----------------------------------------------------------------------

_NAV_TOKEN = _alt(
    (
        "الرئيسية", "الصفحة الرئيسية", "اتصل بنا", "من نحن", "سياسة الخصوصية", "شروط الاستخدام",
        "شروط الخدمة", "خريطة الموقع", "أعلن معنا", "English", "EN", "Home", "Contact us",
        "About us", "Privacy policy", "Terms of use", "Sitemap", "RSS", "تسجيل الدخول", "Login",
        "Log in", "Sign in", "Menu",
    )
)  # fmt: skip
_NAV_LINE = re.compile(rf"{_NAV_TOKEN}(?: {_NAV_TOKEN})*")
_BREADCRUMB = re.compile(
    rf"(?:{_flex('أنت هنا')}\s*[:：]\s*|You are here\s*:\s*)?"
    rf"(?:{_flex('الرئيسية')}|Home)\s*[>/»›|]",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    _alt(("تم التصميم والتطوير بواسطة", "تصميم وتطوير", "تصميم وبرمجة", "تم التطوير بواسطة"))
    + r"|designed (?:and developed )?by|developed by|powered by"
)


def _nav_links(line: Line) -> bool:
    if _NAV_LINE.fullmatch(line.key):
        return True
    if line.words <= 10 and _BREADCRUMB.match(line.bare):
        return True
    return line.words <= 12 and not line.quoted and bool(_CREDIT.match(line.key))


# --- masthead -----------------------------------------------------------------------------------

_MAST_TITLES = (
    "رئيس التحرير", "رئيس التحرير التنفيذي", "رئيس التحرير المسؤول", "رئيس مجلس الإدارة",
    "رئيس مجلس الإدارة والعضو المنتدب", "العضو المنتدب", "الإشراف العام", "المشرف العام",
    "مدير التحرير", "مدير عام التحرير", "نائب رئيس التحرير", "نائب رئيس مجلس الإدارة",
    "رئيس مجلس الأمناء", "Editor in chief", "Editor-in-chief", "Managing editor",
)  # fmt: skip
_MAST_TITLE = _alt(_MAST_TITLES)
_MAST_LABEL = re.compile(rf"{_MAST_TITLE}(?: و?{_MAST_TITLE})*")
_MAST_TITLE_RE = re.compile(rf"(?:^| |و){_MAST_TITLE}(?= |$)")
_MAST_FLEX = "(?:" + "|".join(_flex(t) for t in sorted(_MAST_TITLES, key=len, reverse=True)) + ")"
_MAST_WITH_NAME = re.compile(
    rf"{_MAST_FLEX}(?:\s+و?{_MAST_FLEX})*\s*(?P<sep>[:：\-–—|/]*)\s*(?P<name>\S.*)",
    re.IGNORECASE,
)


def _name_like(text: str) -> bool:
    """A person's name as mastheads print it: one to four words, no digits or sentence marks."""
    words = text.split()
    return (
        1 <= len(words) <= 4
        and len(text) <= 40
        and not any(c.isdigit() for c in text)
        and not re.search(r"[.:;؛،,!?؟\"«»“”()]", text)
    )


# --- read also ----------------------------------------------------------------------------------

_RELATED_LABELS = (
    "اقرأ أيضا", "اقرأ كذلك", "اقرأ المزيد", "اقرأ أيضا في", "إقرأ أيضا", "شاهد أيضا",
    "شاهد كذلك", "طالع أيضا", "طالع كذلك", "موضوعات متعلقة", "مواضيع متعلقة",
    "موضوعات ذات صلة", "مواضيع ذات صلة", "أخبار متعلقة", "أخبار ذات صلة", "ذات صلة",
    "الأكثر قراءة", "الأكثر مشاهدة", "الأكثر تداولا", "الأكثر قراءة اليوم", "المزيد من الأخبار",
    "المزيد", "اخترنا لك", "قد يهمك", "قد يهمك أيضا", "قد يعجبك أيضا", "يهمك أيضا",
    "Read more", "Read also", "Also read", "Related", "Related articles", "Related news",
    "Related topics", "More stories", "Most read", "Recommended", "اقرأ كمان", "تابع أيضا",
    "تصفح أيضا", "شاهد المزيد", "مقالات ذات صلة", "مقالات متعلقة", "قد تهمك", "مواضيع قد تهمك",
    "موضوعات قد تهمك", "أخبار قد تهمك", "آخر الأخبار", "أحدث الأخبار", "أخبار أخرى",
    "مواضيع أخرى", "موضوعات أخرى", "المزيد من الأخبار", "المزيد من المقالات", "مواضيع مقترحة",
    "مقالات مقترحة", "أخبار مقترحة", "مقالات أخرى للكاتب", "مقالات للكاتب", "Lire aussi",
    "À lire aussi", "A lire aussi", "Voir aussi",
)  # fmt: skip
_RELATED_LABEL = re.compile(_alt(_RELATED_LABELS))
_STRONG_INLINE = ("اقرأ أيضا", "اقرأ كذلك", "اقرأ المزيد", "شاهد أيضا", "طالع أيضا", "طالع كذلك")
# Labels that also open sentences («للمزيد من التفاصيل ...»): a label only before a separator.
_WEAK_INLINE = (
    "ذات صلة", "قد يهمك", "مواضيع ذات صلة", "موضوعات ذات صلة", "أخبار ذات صلة", "اقرأ كمان",
    "تابع أيضا", "تصفح أيضا", "للمزيد", "شاهد المزيد", "شاهد", "Lire aussi",
)  # fmt: skip
_INLINE_STRONG = re.compile(
    "(?:" + "|".join(_flex(p) for p in _STRONG_INLINE) + r"|read also|also read|read more)"
    r"(?!\w)\s*[:：\-–—|.،»>]*\s*(?P<rest>\S.*)",
    re.IGNORECASE,
)
_INLINE_WEAK = re.compile(
    "(?:" + "|".join(_flex(p) for p in _WEAK_INLINE) + r"|related)"
    r"(?!\w)\s*[:：\-–—|»>]+\s*(?P<rest>\S.*)",
    re.IGNORECASE,
)


def _related_label(line: Line) -> bool:
    return bool(_RELATED_LABEL.fullmatch(line.key))


def _related_inline(line: Line) -> bool:
    """«اقرأ أيضا: <headline>» on one line; a sentence that merely starts so stays."""
    if line.quoted:
        return False
    match = _INLINE_STRONG.fullmatch(line.bare) or _INLINE_WEAK.fullmatch(line.bare)
    if not match:
        return False
    rest = Line.of(match["rest"])
    return rest.words >= 2 and not sentence_like(rest) and not _related_label(rest)


# --- page chrome --------------------------------------------------------------------------------

_CHROME_PHRASES = (
    "الكلمات المفتاحية", "كلمات مفتاحية", "الوسوم", "وسوم", "كلمات البحث", "الكلمات الدالة",
    "كلمات دالة", "الكلمات الدلالية", "Tags", "Keywords", "Topics", "شارك", "مشاركة", "شارك عبر",
    "Share", "Share on", "طباعة",
    "Print", "أضف تعليق", "أضف تعليقك", "اكتب تعليقك", "التعليقات", "تعليقات", "Comments",
    "Leave a comment", "Loading", "جاري التحميل", "جار التحميل", "طالع المزيد", "عرض المزيد",
    "تحميل المزيد", "Load more", "Show more", "صورة أرشيفية", "صورة تعبيرية", "صورة من الأرشيف",
    "أرشيفية", "تعبيرية", "Click here", "اضغط هنا للمزيد", "النشرة البريدية", "النشرة الإخبارية",
    "Newsletter",
)  # fmt: skip
_CHROME = re.compile(rf"(?:\d+ )?{_alt(_CHROME_PHRASES)}(?: \d+)?")
_COMMENT_COUNT = re.compile(
    r"(?:\d+ )*\d+(?: ?[km])? "
    + _alt(
        (
            "تعليق",
            "تعليقات",
            "comment",
            "comments",
            "مشاهدة",
            "مشاهدات",
            "قراءة",
            "قراءات",
            "views",
            "reads",
            "مشاركة",
            "مشاركات",
            "shares",
        )
    )
)
_COMMENT_FORM = re.compile(
    _alt(
        (
            "لا توجد تعليقات",
            "لا توجد تعليقات حتى الآن",
            "كن أول من يعلق",
            "كن أول من يعلق على الخبر",
            "تعليقات الزوار",
            "تعليقات القراء",
            "آراء القراء",
            "أرسل تعليقك",
            "end of list",
            "بداية القائمة",
            "نهاية القائمة",
        )
    )
    + "(?: "
    + _alt(("كن أول من يعلق",))
    + ")?"
)
_FONT_LETTERS = re.compile(r"(?:[Aaأ] ?){2,3}")
# «وسوم: مصر، اقتصاد» and «آخر تحديث: 12:30 م»: a label, a colon, then a short list or a time.
_TAG_LIST = re.compile(
    rf"^{_flex('الكلمات المفتاحية')}|^{_flex('كلمات مفتاحية')}|^{_flex('الوسوم')}|^{_flex('وسوم')}"
    r"|^(?:Tags|Keywords|Topics)\s*:",
    re.I,
)
_TIME_LABEL = re.compile(
    rf"^(?:{_flex('آخر تحديث')}|{_flex('تاريخ النشر')}|{_flex('نشر في')}|{_flex('نشر بتاريخ')}"
    rf"|{_flex('تاريخ التحديث')}|{_flex('تم النشر')}|Published|Updated|Last updated)"
    # After a colon anything dated; without one, only a bare date or time («آخر تحديث 12:30 م»):
    # «آخر تحديث للأرقام أظهر 120 حالة» is a sentence.
    r"(?:\s*[:：]\s*\S.*\d|\s+[\d/\-.:،, ]*\d[\d/\-.:،, ]*(?:\s*(?:ص|م|AM|PM))?$)",
    re.I,
)


def _page_chrome(line: Line) -> bool:
    if line.quoted:
        return False
    if _CHROME.fullmatch(line.key) or _COMMENT_COUNT.fullmatch(line.key):
        return True
    if _COMMENT_FORM.fullmatch(line.key):
        return True
    if _FONT_LETTERS.fullmatch(line.text):
        return True
    short = line.words <= 10 and not line.text.rstrip().endswith((".", "؟", "!"))
    if short and _TIME_LABEL.match(line.bare):
        return True
    if line.words <= 14 and _TAG_LIST.match(line.bare):
        return ":" in line.bare or line.words <= 3
    return False


# --- bylines ------------------------------------------------------------------------------------

# «كتب محمد علي» needs no separator; «تحرير: …» does («تحرير الأسعار» is a subheading).
_BYLINE_LINE = re.compile(
    r"(?:(?:"
    + "|".join(_flex(w) for w in ("كتب", "كتبت", "بقلم", "إعداد"))
    + r"|By|Par)\s*[:：\-–—]?|(?:"
    + "|".join(_flex(w) for w in ("تحرير", "مراجعة", "ترجمة", "تقرير", "متابعة", "حوار"))
    + r")\s*[:：\-–—])\s*(?P<name>[^:：]{2,45}?)\s*[:：]?",
    re.I,
)
_HONORIFIC = re.compile(r"^(?:د|أ|م|الدكتور|الأستاذ|المهندس)\.?\s+")
# «الرياض - واس», «دبي: «الخليج»», «هسبريس - محمد الراجي»: a place or an outlet, then an outlet
# or a reporter.
_PLACE_LINE = re.compile(
    r"(?P<place>[^\-–—:：]{2,20}?)\s*[\-–—:：]\s*(?P<by>[^\-–—:：]{2,30}?)\s*:?"
)
_OUTLETS = _alt(
    (
        "الغد", "الخليج", "العربية", "العربية نت", "سكاي نيوز عربية", "هسبريس", "الجزيرة",
        "الجزيرة نت", "الشرق الأوسط", "القدس العربي", "النهار", "اليوم السابع", "مصراوي", "الوطن",
        "الأهرام", "بوابة الأهرام", "المصري اليوم", "الشروق", "فيتو", "البوابة", "الدستور",
        "العين الإخبارية", "الحرة", "بي بي سي", "عكاظ", "البيان", "الاتحاد", "الراي", "القبس",
        "الأيام", "الخبر", "الشروق أونلاين", "المدينة", "سبق", "الحياة",
    )
)  # fmt: skip


def _byline(line: Line) -> bool:
    match = _BYLINE_LINE.fullmatch(line.bare)
    return bool(match and _name_like(_HONORIFIC.sub("", match["name"].strip(" .:"))))


def _dateline_by(line: Line) -> bool:
    """A place or an outlet, then an outlet or a reporter; one side a known news outlet."""
    match = _PLACE_LINE.fullmatch(line.bare)
    if not match or line.words > 6:
        return False
    raw = [match["place"].strip(), match["by"].strip()]
    parts = [r.strip(" «»\"'") for r in raw]
    outlet = any(
        _OUTLET.fullmatch(_fold(p)) or "." in p or r.startswith("«")
        for p, r in zip(parts, raw, strict=True)
    )
    return outlet and all(_name_like(p.replace(".", " ")) for p in parts)


# --- source line ----------------------------------------------------------------------------------

_SOURCE_LINE = re.compile(
    rf"(?:{_flex('المصدر')}|{_flex('مصدر الخبر')}|{_flex('المصادر')}|Sources?)\s*[:：\-–—|]\s*"
    r"(?P<name>\S.*)",
    re.I,
)


# --- embedded posts -----------------------------------------------------------------------------

_EMBED_PHRASES = (
    "View this post on Instagram", "View more on Instagram", "View this post on Facebook",
    "Watch on TikTok", "Watch on YouTube", "عرض هذا المنشور على Instagram",
    "عرض هذا المنشور على إنستجرام", "عرض هذا المنشور على انستغرام",
    "شاهد هذا المنشور على Instagram",
)  # fmt: skip
_EMBED = re.compile(_alt(_EMBED_PHRASES))
_SHARED_BY = re.compile(
    r"^(?:A post shared by|Une publication partagée par|"
    + _flex("منشور تمت مشاركته بواسطة")
    + "|"
    + _flex("تمت مشاركة منشور بواسطة")
    + r")\s.{1,80}$",
    re.I,
)
# "— Name (@account) November 28, 2026": the signature under an embedded tweet.
_TWEET_SIGNATURE = re.compile(r"^[—–\-]\s*[^()]{0,60}\(@\w{1,30}\)\s*\S.{0,30}\d{4}$")


def _social_embed(line: Line) -> bool:
    if line.words > 16:
        return False
    return bool(
        _EMBED.fullmatch(line.key)
        or _SHARED_BY.match(line.text)
        or _TWEET_SIGNATURE.match(line.text)
    )


# --- datelines -----------------------------------------------------------------------------------

_WEEKDAYS = (
    "الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت",
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
)  # fmt: skip
_DATE_LABELS = (
    "نشر في", "نشر", "تم النشر", "تاريخ النشر", "نشر بتاريخ", "بتاريخ", "آخر تحديث", "تحديث",
    "تاريخ التحديث", "محدث", "Published", "Updated", "Last updated", "Posted", "Publié le",
    "Mis à jour",
)  # fmt: skip
_TIME_WORDS = (
    "ص", "م", "صباحا", "مساء", "صباحًا", "مساءً", "AM", "PM", "GMT", "UTC", "GST", "بتوقيت",
    "القاهرة", "مكة", "المكرمة", "غرينتش", "جرينتش", "الساعة", "هـ", "ه",
)  # fmt: skip
_DATE_TOKEN = (
    rf"(?:{_alt(_WEEKDAYS)}|{_alt(MONTH_NAMES)}|{_alt(_DATE_LABELS)}|{_alt(_TIME_WORDS)}|\d+)"
)
_DATE_ONLY = re.compile(rf"{_DATE_TOKEN}(?: {_DATE_TOKEN})*")
_AGO = re.compile(
    rf"(?:{_alt(_DATE_LABELS)} )?" + _alt(("منذ", "قبل")) + r" (?:\d+ )?"
    + _alt(("ثانية", "ثوان", "دقيقة", "دقائق", "دقيقتين", "ساعة", "ساعات", "ساعتين", "يوم", "أيام",
            "يومين", "أسبوع", "أسابيع", "شهر", "أشهر"))
)  # fmt: skip
_READING_TIME = re.compile(
    r"(?:\d+ )?" + _alt(("دقيقة", "دقائق", "دقيقتين", "min", "mins", "minutes"))
    + " " + _alt(("للقراءة", "قراءة", "read", "de lecture"))
)  # fmt: skip


def _dateline(line: Line) -> bool:
    """Only a date or a time, with weekday, month names, labels and zone words around it."""
    if line.quoted or line.words > 24:
        return False
    key = line.key
    if _AGO.fullmatch(key) or _READING_TIME.fullmatch(key):
        return True
    if not _DATE_ONLY.fullmatch(key):
        return False
    text = line.text.translate(EASTERN_DIGITS)
    # A whole date (a year and more digits) or a clock time; «2024» alone is a number.
    whole_date = re.search(r"\d{4}", text) is not None and sum(c.isdigit() for c in text) >= 5
    return whole_date or _CLOCK_IN_TEXT.search(text) is not None


_CLOCK_IN_TEXT = re.compile(r"\d{1,2}:\d{2}")


# --- credits -------------------------------------------------------------------------------------

_CREDIT_LABEL = re.compile(
    r"^[(\[]?\s*(?:"
    + "|".join(_flex(w) for w in ("صورة", "الصورة", "تصوير", "الصور", "صور", "فيديو", "رسم"))
    + r"|Photo|Image|Credit|Crédit)\s*[:：/\-–]\s*(?P<name>[^:：()\[\]]{1,40})[)\]]?$",
    re.I,
)
_AGENCIES = _alt(
    (
        "أ ف ب", "ا ف ب", "أ ش أ", "ا ش ا", "رويترز", "واس", "وام", "قنا", "كونا", "بترا", "سانا",
        "الأناضول", "د ب أ", "أسوشيتد برس", "شينخوا", "AFP", "Reuters", "AP", "Getty Images",
        "Getty", "EPA", "Anadolu", "Shutterstock", "أرشيف", "أرشيفية", "من الأرشيف", "إرشيفية",
        "Getty Images AFP", "AFP Getty Images", "صورة أرشيفية", "صورة تعبيرية", "مواقع التواصل",
        "مواقع التواصل الاجتماعي", "سوشيال ميديا", "وكالات", "متداولة",
    )
)  # fmt: skip
_AGENCY_LINE = re.compile(rf"{_AGENCIES}(?: {_AGENCIES})*")
_OUTLET = re.compile(rf"(?:{_AGENCIES}|{_OUTLETS})")


def _credit(line: Line) -> bool:
    if line.quoted or line.words > 8:
        return False
    if _AGENCY_LINE.fullmatch(line.key):
        return True
    match = _CREDIT_LABEL.match(line.bare)
    return bool(match and _name_like(match["name"].strip(" .")))


# --- the catalog of context-free line rules, in the order they are tried --------------------------

LINE_RULES: tuple[tuple[str, Callable[[Line], bool]], ...] = (
    ("decoration", _decoration),
    ("ad_label", _ad_label),
    ("cookie_consent", _cookie_consent),
    ("media_player", _media_player),
    ("font_size", _font_size),
    ("follow_prompt", _follow_prompt),
    ("share_networks", _share_networks),
    ("copyright", _copyright),
    ("nav_links", _nav_links),
    ("read_also", _related_inline),
    ("page_chrome", _page_chrome),
    ("social_embed", _social_embed),
    ("dateline", _dateline),
    ("credit", _credit),
)


# ------------------------------------------------------------------------------------------------
# Per-site additions
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """What one cleaning applies: the global catalog plus one site's additions from the registry."""

    site: str | None = None
    line_patterns: tuple[re.Pattern[str], ...] = ()
    """The site's ``noise_rules``, each matched against a whole readable line."""
    section_keys: frozenset[str] = frozenset()
    masthead_keys: frozenset[str] = frozenset()


GLOBAL_RULES = Rules()


@lru_cache(maxsize=64)
def rules_for(site: Site | None) -> Rules:
    """The rules for a site's text; the global catalog alone for ``None``."""
    if site is None:
        return GLOBAL_RULES
    return Rules(
        site=site.name,
        line_patterns=tuple(re.compile(p) for p in site.noise_rules),
        section_keys=frozenset(k for k in (_fold(n) for n in site.section_names) if k),
        masthead_keys=frozenset(k for k in (_fold(n) for n in site.masthead_names) if k),
    )


# ------------------------------------------------------------------------------------------------
# The cleaner
# ------------------------------------------------------------------------------------------------

Removed = list[tuple[str, str]]


@dataclass
class _Hit:
    rule: str
    follows: str | None = None
    """``headlines`` after a related label, ``name`` after a masthead title; ``weak`` for a
    masthead line that is noise only beside another masthead line."""


def _static_hit(line: Line, rules: Rules) -> _Hit | None:
    # The site's own rules first: they name its noise more precisely than the catalog.
    if any(p.fullmatch(line.text) for p in rules.line_patterns):
        return _Hit("site_rule")
    for name, test in LINE_RULES:
        if test(line):
            return _Hit(name)
    if _related_label(line):
        return _Hit("read_also", "headlines")
    masthead = _masthead(line, rules)
    if masthead:
        return masthead
    return None


def _masthead(line: Line, rules: Rules) -> _Hit | None:
    if _MAST_LABEL.fullmatch(line.key):
        return _Hit("masthead", "name")
    if line.quoted:
        return None
    match = _MAST_WITH_NAME.fullmatch(line.bare)
    if not match:
        return None
    name = match["name"]
    if _fold(name) in rules.masthead_keys:
        return _Hit("masthead")
    if match["sep"] and _name_like(name):
        # «رئيس مجلس الإدارة ورئيس التحرير: …» says it alone; one title needs a neighbour.
        titles = len(_MAST_TITLE_RE.findall(line.key))
        return _Hit("masthead") if titles >= 2 else _Hit("masthead", "weak")
    return None


class _Cleaner:
    """One pass over the lines of one text; each line gets a rule name or stays."""

    def __init__(self, lines: list[Line], rules: Rules, single_line: bool) -> None:
        self.lines = lines
        self.rules = rules
        self.single_line = single_line
        self.hits: list[_Hit | None] = [_static_hit(line, rules) for line in lines]
        self.verdict: list[str | None] = [h.rule if h else None for h in self.hits]

    def run(self) -> list[str | None]:
        self._resolve_weak()
        self._sequence()
        if not self.single_line:
            self._trailing_sections()
            self._trailing_source()
            self._leading_bylines()
        return self.verdict

    def _leading_bylines(self) -> None:
        """Bylines and datelines over the text: «كتب: محمد علي», «بقلم د. …», «الرياض - واس»."""
        kept = [i for i, v in enumerate(self.verdict) if v is None][:3]
        if len(kept) < 2:
            return
        for n, i in enumerate(kept[:-1]):
            line = self.lines[i]
            if line.quoted or (_TERMINAL.search(line.text) and not line.text.endswith(":")):
                return
            if n == 0 and _SOURCE_LINE.fullmatch(line.bare):
                self.verdict[i] = "source_line"
            elif _byline(line) or (n == 0 and _dateline_by(line)):
                self.verdict[i] = "byline"
            else:
                return

    def _neighbours(self, i: int) -> tuple[int | None, int | None]:
        return (i - 1 if i > 0 else None, i + 1 if i + 1 < len(self.lines) else None)

    def _resolve_weak(self) -> None:
        """Lines that are noise only beside noise of their kind: a lone network name in a share
        bar, a consent button, an Arabic player word, a masthead line with an unknown name, the
        font-size number."""
        for i, hit in enumerate(self.hits):
            if hit and hit.follows == "weak":
                self.verdict[i] = None
        changed = True
        while changed:
            changed = False
            for i, line in enumerate(self.lines):
                if self.verdict[i] is not None:
                    continue
                rule = self._weak_rule(i, line)
                if rule:
                    self.verdict[i] = rule
                    changed = True

    def _weak_rule(self, i: int, line: Line) -> str | None:
        around = [self.verdict[j] for j in self._neighbours(i) if j is not None]
        if {"share_networks", "follow_prompt"} & set(around) and _share_line(line):
            return "share_networks"
        if _share_line(line) and any(
            j is not None and self.verdict[j] is None and _share_line(self.lines[j])
            for j in self._neighbours(i)
        ):
            return "share_networks"
        if "cookie_consent" in around and _consent_button(line):
            return "cookie_consent"
        if "media_player" in around and _player_word(line):
            return "media_player"
        if "font_size" in around and _SMALL_NUMBER.fullmatch(line.key) and line.words == 1:
            return "font_size"
        hit = self.hits[i]
        weak = hit is not None and hit.follows == "weak"
        if "masthead" in around and (weak or line.key in self.rules.masthead_keys):
            return "masthead"
        if weak and any(
            (other := self.hits[j]) is not None and other.follows == "weak"
            for j in self._neighbours(i)
            if j is not None
        ):
            return "masthead"
        return None

    def _next_content(self, i: int) -> Line | None:
        for j in range(i + 1, len(self.lines)):
            if self.verdict[j] is None:
                return self.lines[j]
        return None

    def _headline_run(self, start: int) -> tuple[int, bool]:
        """How many headline-like lines follow a label, and whether they reach the text's end."""
        count = 0
        for j in range(start + 1, len(self.lines)):
            if self.verdict[j] is not None:
                continue
            line = self.lines[j]
            # Section names and the rank numbers of a «الأكثر قراءة» list sit between headlines.
            if line.key in self.rules.section_keys or _RANK.fullmatch(line.key):
                continue
            if not headline_like(line):
                return count, False
            count += 1
        return count, True

    def _sequence(self) -> None:
        """Lines that depend on what came before: the headlines after a related label, the name
        after a masthead title, and a line repeating the previous kept one."""
        pending: str | None = None
        left = 0
        previous: Line | None = None
        for i, line in enumerate(self.lines):
            hit = self.hits[i]
            if pending == "name":
                # The name stands on the line right after its title, or not at all.
                if self.verdict[i] is None and _name_like(line.text):
                    self.verdict[i] = "masthead"
                pending = None
            if self.verdict[i] is not None:
                if hit is not None and hit.follows == "headlines":
                    pending = "headlines"
                    run, to_end = self._headline_run(i)
                    left = min(run, MAX_TRAILING_HEADLINES) if to_end else MAX_HEADLINES
                elif hit is not None and hit.follows == "name":
                    pending = "name"
                continue
            if pending == "headlines" and left > 0 and _RANK.fullmatch(line.key):
                self.verdict[i] = "read_also"
                continue
            if pending == "headlines" and left > 0 and self._is_listed_headline(i, line):
                self.verdict[i] = "read_also"
                left -= 1
                continue
            pending = None
            if (
                previous is not None
                and line.text == previous.text
                and any(c.isalpha() for c in line.text)
            ):
                self.verdict[i] = "repeated_line"
                continue
            previous = line

    def _is_listed_headline(self, i: int, line: Line) -> bool:
        if _BULLET.match(line.text) and not sentence_like(line):
            return True
        if not headline_like(line):
            return False
        following = self._next_content(i)
        if following is None:
            return True
        # A short line, or a question, right before running text is the article's own
        # subheading; a short line before a bulleted list introduces it.
        if sentence_like(following) and (line.words <= 5 or line.text.endswith(("؟", "?"))):
            return False
        return not (line.words <= 5 and _BULLET.match(following.text))

    def _trailing_source(self) -> None:
        """The text's last line, when it only names the source («المصدر: الجزيرة + وكالات»)."""
        kept = [i for i, v in enumerate(self.verdict) if v is None]
        if len(kept) < 2:
            return
        line = self.lines[kept[-1]]
        match = _SOURCE_LINE.fullmatch(line.bare)
        short = match is not None and Line.of(match["name"]).words <= 6
        if short and not line.quoted and not _TERMINAL.search(line.text):
            self.verdict[kept[-1]] = "source_line"

    def _trailing_sections(self) -> None:
        if not self.rules.section_keys:
            return
        for i in range(len(self.lines) - 1, -1, -1):
            if self.verdict[i] is not None:
                continue
            if self.lines[i].key not in self.rules.section_keys:
                return
            self.verdict[i] = "section_name"


def clean_text(
    text: str, rules: Rules | None = None, *, single_line: bool = False
) -> tuple[str, Removed]:
    """Remove the noise lines of ``text``; returns the clean text and ``(rule, line)`` removals.

    Every non-empty line is a block: the result has one blank line between blocks (the body
    convention), or one space with ``single_line`` (titles, captions, where the trailing
    section-name rule does not apply). Lines are put in the text convention; nothing inside a
    kept line is removed.
    """
    rules = rules or GLOBAL_RULES
    lines = [
        line for line in (Line.of(raw) for raw in text.splitlines() if raw.strip()) if line.text
    ]
    verdict = _Cleaner(lines, rules, single_line).run()
    kept = [line.text for line, rule in zip(lines, verdict, strict=True) if rule is None]
    removed = [
        (rule, line.text) for line, rule in zip(lines, verdict, strict=True) if rule is not None
    ]
    return (" " if single_line else "\n\n").join(kept), removed


# ------------------------------------------------------------------------------------------------
# Records
# ------------------------------------------------------------------------------------------------


@dataclass
class Cleaned:
    """The removals of one record's cleaning."""

    removed: Removed

    def counts(self) -> dict[str, int]:
        return dict(Counter(rule for rule, _ in self.removed))

    def lines(self) -> list[str]:
        return [line for _, line in self.removed]


def _clean_title(value: str | None, removed: Removed) -> str | None:
    # A headline has its own rules: body line rules would empty «شاهد: …» or «ذات صلة: …».
    if not isinstance(value, str):
        return value
    title, label = clean_title(value)
    if label:
        removed.append(("title_label", label))
    return title


def _clean_optional(value: str | None, rules: Rules, removed: Removed) -> str | None:
    if not isinstance(value, str):
        return value
    cleaned, lost = clean_text(value, rules, single_line=True)
    removed.extend(lost)
    return cleaned or None


def clean_article(
    article: Article, site: Site | None, *, keep_removed: bool = False
) -> dict[str, int]:
    """Clean the record's title, body and image captions in place; returns removals per rule.

    ``content_hash`` is recomputed; ``removed_noise`` is filled only with ``keep_removed``.
    """
    rules = rules_for(site)
    removed: Removed = []
    article.title = _clean_title(article.title, removed)
    article.body, lost = clean_text(article.body or "", rules)
    removed.extend(lost)
    for image in article.images:
        image.caption = _clean_optional(image.caption, rules, removed)
    article.content_hash = content_hash(article.title, article.body)
    result = Cleaned(removed)
    if keep_removed:
        article.removed_noise = result.lines()
    return result.counts()


def clean_record(
    record: MutableMapping[str, Any], site: Site | None, *, keep_removed: bool = False
) -> dict[str, int]:
    """Clean a record given as a mapping (a JSON line, a dict or adapted item) in place.

    Cleans ``title``, ``body`` and ``text`` (other scrapers' dumps), top-level ``caption`` and
    ``images[].caption`` when they are strings; recomputes ``content_hash`` when the record has
    that field or is one of ours (``schema_version``); leaves every other field as it is.
    """
    rules = rules_for(site)
    removed: Removed = []
    if "title" in record:
        record["title"] = _clean_title(record["title"], removed)
    for name in ("body", "text"):
        if isinstance(record.get(name), str):
            record[name], lost = clean_text(record[name], rules)
            removed.extend(lost)
    if "caption" in record:
        record["caption"] = _clean_optional(record["caption"], rules, removed)
    images = record.get("images")
    if isinstance(images, list):
        for image in images:
            if isinstance(image, dict) and "caption" in image:
                image["caption"] = _clean_optional(image["caption"], rules, removed)
    if "content_hash" in record or "schema_version" in record:
        text = record.get("body") if isinstance(record.get("body"), str) else record.get("text")
        title = record.get("title") if isinstance(record.get("title"), str) else None
        record["content_hash"] = content_hash(title, text if isinstance(text, str) else "")
    result = Cleaned(removed)
    if keep_removed:
        record["removed_noise"] = result.lines()
    return result.counts()


def site_of(url: str | None, name: str | None) -> Site | None:
    """The registry entry of a record: by its ``site`` name when registered, else by URL."""
    if name and name in BY_NAME:
        return BY_NAME[name]
    return site_for_url(url) if isinstance(url, str) else None


# ------------------------------------------------------------------------------------------------
# The pipeline
# ------------------------------------------------------------------------------------------------


class CleanPipeline:
    """Cleans each item's text with its site's rules and counts removals per rule."""

    def __init__(self, stats: StatsCollector, keep_removed: bool = False) -> None:
        self.stats = stats
        self.keep_removed = keep_removed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler.stats, crawler.settings.getbool("CLEAN_KEEP_REMOVED"))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if isinstance(item, Article):
            site = site_of(item.url, item.site)
            counts = clean_article(item, site, keep_removed=self.keep_removed)
            body = item.body
        else:
            site = site_of(adapter.get("url"), adapter.get("site"))
            counts = clean_record(adapter, site, keep_removed=self.keep_removed)
            body = adapter.get("body", adapter.get("text"))
        self.stats.inc_value("clean/items")
        for rule, count in counts.items():
            self.stats.inc_value(f"clean/removed/{rule}", count)
        if not body:
            self.stats.inc_value("clean/dropped_empty")
            raise DropItem("empty body after cleaning")
        if _site_page(adapter.get("title"), body, adapter.get("published_at")):
            self.stats.inc_value("clean/dropped_site_page")
            raise DropItem(f"a site page, not an article: {adapter.get('url')}")
        return item


# A site's own page says little: an «من نحن» text longer than this is kept (and seen).
SITE_PAGE_MAX_WORDS = 300


def _site_page(title: Any, body: Any, published: Any) -> bool:
    """A page titled «من نحن», «اتصل بنا» or «سياسة الخصوصية», undated and short, is the
    site's own page whatever its template declares; a dated article is never dropped for its
    title."""
    if published or not isinstance(title, str) or not site_page_title(title):
        return False
    return not isinstance(body, str) or len(body.split()) <= SITE_PAGE_MAX_WORDS
