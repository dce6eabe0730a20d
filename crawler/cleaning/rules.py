"""The catalog of named line rules: each decides whether one line is wholly noise."""

from __future__ import annotations

import re
from collections.abc import Callable

from crawler.cleaning.lines import (
    _TERMINAL,
    Line,
    _alt,
    _flex,
    _fold,
    sentence_like,
)
from crawler.dates import MONTH_NAMES
from crawler.phrases import (
    AFFILIATE_NOTES,
    BYLINE_LABELS,
    BYLINE_ROLE_LABELS,
    COMMENT_POLICY,
    COMMENT_PROMPTS,
    COMMENT_WORDS,
    CREDIT_NOTES,
    CREDIT_ROLES,
    DATE_LABELS,
    EXTERNAL_CONSENT,
    EXTERNAL_CONTENT,
    MODERATION,
    NETWORKS,
    PAYWALL_NOTES,
    READER_COMMENTS,
    READER_MORE_LIKE_THIS,
    READER_PROMPT_ASKS,
    READER_PROMPT_HEAR,
    READER_PROMPT_OPENERS,
    RELATED_LABELS,
    RELATED_MORE_FROM,
    SHARE_PHRASES,
    SHARE_WORDS,
    SITE_WORDS,
    SUPPORT_APPEALS,
)
from crawler.text import EASTERN_DIGITS, normalize_for_matching

# ------------------------------------------------------------------------------------------------
# The rule catalog
# ------------------------------------------------------------------------------------------------

CATALOG: dict[str, str] = {
    "decoration": "a line made only of tatweel or dash runs",
    "ad_label": "an ad placeholder: Advertisement(s), «إعلان», «مساحة إعلانية», «محتوى مدفوع»..., "
    "and an affiliate-link disclosure («قد نحصل على عمولة …», we may earn a commission)",
    "cookie_consent": "cookie and consent-manager text addressed to the reader, and its buttons; "
    "the notice over embedded third-party content held back until the reader agrees",
    "paywall": "paywall notices and appeals for money: «هذا المحتوى متاح للمشتركين فقط», «ادعم "
    "الصحافة المستقلة», The rest is reserved for subscribers, Support our journalism",
    "media_player": "video-player strings: Error loading media, Pause Play, Unmute Mute...",
    "font_size": "font-size controls («حجم الخط», A+ A-) and the size number beside them",
    "follow_prompt": "follow and subscribe prompts («تابعونا على ...», «لمتابعة ... اشترك»)",
    "reader_prompt": "an invitation to the reader to send a story or get in touch («هل لديك قصة؟ "
    "راسلنا على …», Got a story? Get in touch…, an address to write to with a request)",
    "share_networks": "share bars: lines made only of network names and share labels",
    "copyright": "copyright lines (©, «جميع الحقوق محفوظة», All rights reserved)",
    "nav_links": "site navigation and footer links («الرئيسية», «اتصل بنا», design credits) and "
    "the skip link before them («تخطى إلى المحتوى», Skip to content)",
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
    "comment_policy": "a comment-policy notice: «التعليقات المنشورة لا تعبر عن رأي الموقع», «نرجو "
    "الالتزام بآداب الحوار», Comments are moderated",
    "social_embed": "the frame of an embedded post: «View this post on Instagram», «A post shared "
    "by ...», a tweet's «— name (@account) date» line",
}
"""Every rule by its name; ``clean/removed/<name>`` counts its removals."""


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


_AFFILIATE = re.compile(rf"(?:^| ){_alt(AFFILIATE_NOTES)}(?: |$)")


def _ad_label(line: Line) -> bool:
    if _AD.fullmatch(line.key):
        return True
    # The page's own disclosure of commissions on what readers buy through its links.
    return not line.quoted and line.words <= 45 and bool(_AFFILIATE.search(line.key))


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
    "Gérer mes choix", "Empfohlener redaktioneller Inhalt", "Externer Inhalt",
    "Ein Klick für den Datenschutz", "External content", "محتوى خارجي", "تخطي المحتوى الخارجي",
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
_COOKIE_EN_PARTS = ("cookie", "personal data", "unique identifiers", "device data", "tcf")
_READER_EN = re.compile(
    r"\b(?:we|our|us|your|you|this (?:web)?site|welcome|nous|vous|votre|vos|ce site)\b"
)
_COOKIE_AR_PHRASES = (
    "ملفات تعريف الارتباط",
    "ملفات الارتباط",
    "الكوكيز",
    "كوكيز",
    "بياناتك الشخصية",
)
_COOKIE_AR = re.compile(_alt(_COOKIE_AR_PHRASES))
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


_EXTERNAL = re.compile(rf"(?:^| ){_alt(EXTERNAL_CONTENT)}(?: |$)")
_EXTERNAL_CONSENT = re.compile(rf"(?:^| ){_alt(EXTERNAL_CONSENT)}(?: |$)")

# Fixed strings every match of the cookie and external-content patterns holds (their phrases in
# matching form): the text of nearly every line holds none of them, which `in` tells faster
# than a scan of the line by the pattern (the costliest of the line rules before).
_COOKIE_AR_PARTS = tuple({_fold(p) for p in _COOKIE_AR_PHRASES})
_EXTERNAL_PARTS = tuple({_fold(p) for p in EXTERNAL_CONTENT})


def _holds(key: str, parts: tuple[str, ...]) -> bool:
    return any(part in key for part in parts)


def _cookie_consent(line: Line) -> bool:
    key = line.key
    if _CONSENT.fullmatch(key):
        return True
    if line.quoted:
        return False
    if (
        line.words <= 60
        and _holds(key, _EXTERNAL_PARTS)
        and _EXTERNAL.search(key)
        and _EXTERNAL_CONSENT.search(key)
    ):
        return True
    if _holds(key, _COOKIE_EN_PARTS) and _COOKIE_EN.search(key) and _READER_EN.search(key):
        return True
    if _REPORTED.match(key):
        return False
    return _holds(key, _COOKIE_AR_PARTS) and bool(_COOKIE_AR.search(key) and _READER_AR.search(key))


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
            # The player's fallback where scripts are off: «To view this video please enable
            # JavaScript…», «لمشاهدة هذا الفيديو يرجى تفعيل جافا سكريبت».
            r"to view this video(?: please)? enable javascript",
            _fold("لمشاهدة هذا الفيديو")
            + " "
            + _alt(("يرجى", "يجب", "الرجاء", "من فضلك"))
            + " "
            + _alt(("تفعيل", "تمكين"))
            + " "
            + _alt(("جافا سكريبت", "جافاسكريبت", "javascript")),
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


# The player's fallback message broken over lines: "… upgrading to a web / browser that /
# supports HTML5 / video", «… تحديث / متصفحك إلى إصدار / يدعم HTML5».
_PLAYER_FRAGMENT = re.compile(
    r"(?:(?:a )?(?:web )?browser(?: that)?|(?:that )?supports? html5(?: video)?|html5(?: video)?"
    rf"|{_alt(('متصفحك', 'متصفح', 'يدعم', 'إلى إصدار أحدث'))}(?: \S+){{0,3}})"
)


def _player_word(line: Line) -> bool:
    """Made only of player words (one of them an Arabic control word), a bare clock time, or a
    piece of the player's fallback message."""
    if _CLOCK_ONLY.fullmatch(line.text) or _PLAYER_FRAGMENT.fullmatch(line.key):
        return True
    if line.words == 1 and _PLAYER_LINE.fullmatch(line.key):
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

_PLATFORMS = _alt(NETWORKS)
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
    r"(?:follow us|follow (?:\S+ ){0,4}on "
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


# A newsletter named with a sign-up word and the reader addressed: "Sign up for our weekly
# newsletter", "… by signing up to our free newsletter", «اشترك في نشرتنا».
_NEWSLETTER_NAME = re.compile(
    r"(?:^| )(?:\S+ )?newsletters?(?: |$)|"
    + _alt(("النشرة البريدية", "نشرتنا", "النشرة الإخبارية"))
)
_SIGN_UP = re.compile(
    r"\b(?:sign(?:ing)? up|subscrib\w*|abonnier\w*|anmelden|hier entlang|inscri\w*|suscrib\w*"
    r"|in your inbox|postfach)\b|" + _alt(("اشترك", "اشتركي", "اشتركوا", "سجل", "سجلي", "بريدك"))
)
_READER_ADDRESS = re.compile(
    r"\b(?:our|your|you|unser\w*|sie|ihr\w*|nuestr\w*|tu|notre|votre)\b|"
    + _alt(("نشرتنا", "بريدك", "اشترك", "اشتركي", "اشتركوا"))
)


# The consent under a sign-up form: "By providing your email address, you agree to …",
# «بتسجيلك في النشرة فإنك توافق على …».
_SIGN_UP_CONSENT = re.compile(
    r"by (?:providing|entering|submitting|signing up|subscribing)(?: with)?(?: your email)?.* "
    r"(?:agree|accept|consent)|"
    + _alt(("بتسجيلك", "بالتسجيل", "باشتراكك", "بإدخال بريدك"))
    + " .*"
    + _alt(("توافق", "فإنك توافق", "أنت توافق"))
)


def _newsletter_box(line: Line) -> bool:
    key = line.key
    if line.words <= 35 and _SIGN_UP_CONSENT.match(key):
        return True
    return bool(
        line.words <= 35
        and _NEWSLETTER_NAME.search(key)
        and _SIGN_UP.search(key)
        and _READER_ADDRESS.search(key)
    )


def _follow_prompt(line: Line) -> bool:
    if line.quoted or line.words > 35:
        return False
    key = line.key
    if _newsletter_box(line) or _FOLLOW_EN.match(key):
        return True
    if line.words > 25:
        return False
    if _NEWSLETTER.match(key) or _FOLLOW_PHRASES.fullmatch(key):
        return True
    if line.words <= 14 and _FOLLOW_OUTLET.match(key):
        return True
    if not _FOLLOW.match(key):
        return False
    # A prompt may end with a period, but «تابع»/«لمتابعة» running text ending in one is a sentence.
    return not _TERMINAL.search(line.text) or key.startswith(("تابعونا", "تابعنا"))


# --- paywall and appeals ------------------------------------------------------------------------

_PAYWALL = re.compile(rf"(?:^| ){_alt(PAYWALL_NOTES)}(?: |$)")
_SUPPORT = re.compile(rf"(?:^| ){_alt(SUPPORT_APPEALS)}(?: |$)")


def _paywall(line: Line) -> bool:
    """The rest is for subscribers, support our journalism: the page speaking of itself."""
    if line.quoted or line.words > 45:
        return False
    return bool(_PAYWALL.search(line.key) or _SUPPORT.search(line.key))


# --- reader prompts -------------------------------------------------------------------------------

_PROMPT_OPENER = re.compile(rf"{_alt(READER_PROMPT_OPENERS)}(?: |$)")
_PROMPT_ASK = re.compile(rf"(?:^| ){_alt(READER_PROMPT_ASKS)}(?: |$)")
_PROMPT_HEAR = re.compile(_alt(READER_PROMPT_HEAR))
_MORE_LIKE_THIS = re.compile(_alt(READER_MORE_LIKE_THIS))
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def _reader_prompt(line: Line) -> bool:
    """«هل لديك قصة؟ راسلنا …», Got a story? Get in touch…, an e-mail address with a request
    to write: the page asking its readers, in a short line, never a reported sentence."""
    if line.quoted or line.words > 45:
        return False
    key = line.key
    if _PROMPT_HEAR.match(key) or (line.words <= 20 and _MORE_LIKE_THIS.match(key)):
        return True
    asks = _PROMPT_ASK.search(key) is not None
    if _PROMPT_OPENER.match(key) and (asks or _EMAIL.search(line.text)):
        return True
    return asks and _EMAIL.search(line.text) is not None


# --- share bars ---------------------------------------------------------------------------------

# One-word network names and share words; the two-word names and share phrases.
_SHARE_WORDS = tuple(n for n in NETWORKS if " " not in n) + SHARE_WORDS
_SHARE_PHRASES = tuple(n for n in NETWORKS if " " in n) + SHARE_PHRASES
_SHARE_TOKEN = _alt(_SHARE_WORDS + _SHARE_PHRASES)
_SHARE_LINE = re.compile(rf"{_SHARE_TOKEN}(?: {_SHARE_TOKEN})*")
# One network name alone, even written in two words («تيك توك»), may be a subheading.
_SHARE_SINGLE = re.compile(_alt((*_SHARE_WORDS, *(n for n in NETWORKS if " " in n))))


def _share_line(line: Line) -> bool:
    """Made only of network names and share labels (one word or more)."""
    return bool(_SHARE_LINE.fullmatch(line.key))


_LINK = re.compile(r"(?:https?://|www\.)\S+")


def _share_networks(line: Line) -> bool:
    """A share line that says so by itself: more than one name, or a share phrase; or a share
    label with the page's short link after it («رابط مختصر: https://…»)."""
    if _share_line(line):
        return not _SHARE_SINGLE.fullmatch(line.key)
    if line.words > 8 or ("http" not in line.text and "www." not in line.text):
        return False
    rest = normalize_for_matching(_LINK.sub(" ", line.text))
    return bool(rest) and bool(_SHARE_LINE.fullmatch(rest)) and not _SHARE_SINGLE.fullmatch(rest)


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
# The skip link a page offers screen readers before its navigation.
_SKIP_LINK = re.compile(
    _alt(
        (
            "تخطى إلى المحتوى", "تخط إلى المحتوى", "تخطي إلى المحتوى", "انتقل إلى المحتوى",
            "الانتقال إلى المحتوى", "اذهب إلى المحتوى", "تخطى إلى المحتوى الرئيسي",
            "انتقل إلى المحتوى الرئيسي", "الانتقال إلى المحتوى الرئيسي", "Skip to content",
            "Skip to main content", "Skip to navigation", "Jump to content", "Zum Inhalt springen",
            "Zum Hauptinhalt springen", "Direkt zum Inhalt", "Hauptinhalt", "Aller au contenu",
            "Aller au contenu principal", "Ir al contenido",
        )
    )
)  # fmt: skip
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
    if _NAV_LINE.fullmatch(line.key) or (line.words <= 5 and _SKIP_LINK.fullmatch(line.key)):
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
_RELATED_LABEL = re.compile(_alt(_RELATED_LABELS + RELATED_LABELS))
# «المزيد من <القسم>», "More from <site>": a label only over a list of at least two headlines
# («المزيد من الضحايا» may be the text's own subheading).
_MORE_FROM = re.compile(rf"{_alt(RELATED_MORE_FROM)}(?: \S+){{1,4}}")
_STRONG_INLINE = ("اقرأ أيضا", "اقرأ كذلك", "اقرأ المزيد", "شاهد أيضا", "طالع أيضا", "طالع كذلك")
# Labels that also open sentences («للمزيد من التفاصيل ...»): a label only before a separator.
_WEAK_INLINE = (
    "ذات صلة", "قد يهمك", "مواضيع ذات صلة", "موضوعات ذات صلة", "أخبار ذات صلة", "اقرأ كمان",
    "تابع أيضا", "تصفح أيضا", "للمزيد", "شاهد المزيد", "شاهد", "Lire aussi",
)  # fmt: skip
_INLINE_STRONG = re.compile(
    "(?:" + "|".join(_flex(p) for p in _STRONG_INLINE) + r"|read also|also read|read more"
    # The same label on European sites an Arabic-news crawl also meets (agencies, partners).
    r"|lesen sie auch|les også|læs også|läs också|lees ook|lea también|leia também"
    r"|leggi anche|czytaj (?:też|także|również)|zum artikel|mehr zum thema)"
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


def related_more_from(line: Line) -> bool:
    return not line.quoted and bool(_MORE_FROM.fullmatch(line.key))


# A teaser of another article: its summary, then the link word («… المزيد», "… more").
_TEASER_MORE = re.compile(
    r"[.!?؟»\"”…]\s*(?:mehr|more|read more|weiterlesen|lire la suite|leer más|"
    + "|".join(_flex(p) for p in ("المزيد", "اقرأ المزيد", "للمزيد"))
    + r")$",
    re.IGNORECASE,
)


def _related_inline(line: Line) -> bool:
    """«اقرأ أيضا: <headline>» on one line; a sentence that merely starts so stays."""
    if line.quoted:
        return False
    if line.words <= 60 and _TEASER_MORE.search(line.text):
        return True
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
    "Newsletter", "Table of contents", "Inhaltsverzeichnis", "محتويات المقال", "جدول المحتويات",
    "فهرس المحتويات", "محتويات الموضوع",
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
            *COMMENT_PROMPTS,
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


# --- comment policy -------------------------------------------------------------------------------

_COMMENT_WORD = re.compile(rf"(?:^| ){_alt(COMMENT_WORDS)}(?: |$)")
_POLICY = re.compile(
    rf"{_alt(COMMENT_POLICY)}|{_alt(('لا تعبر عن رأي', 'لا تعبر عن راي'))} "
    rf"(?:\w+ )?{_alt(SITE_WORDS)}"
)


_MODERATION = re.compile(_alt(MODERATION))
_READER_COMMENTS = re.compile(_alt(READER_COMMENTS))


def _comment_policy(line: Line) -> bool:
    """A comment-policy notice: the comments are the readers' own, moderated, held to manners."""
    if line.quoted or line.words > 45 or not _COMMENT_WORD.search(line.key):
        return False
    if _POLICY.search(line.key):
        return True
    return bool(_MODERATION.search(line.key) and _READER_COMMENTS.search(line.key))


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
    + "|".join(_flex(w) for w in BYLINE_LABELS)
    + r"|By|Par|Von|Por|Door)\s*[:：\-–—]?|(?:"
    + "|".join(_flex(w) for w in BYLINE_ROLE_LABELS)
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


# --- closing credits ----------------------------------------------------------------------------

_CREDIT_ROLE = _alt(CREDIT_ROLES)
_CREDIT_OPEN = re.compile(rf"{_CREDIT_ROLE} \S")
_CREDIT_ROLE_RE = re.compile(rf"(?:^| ){_CREDIT_ROLE} ")
_CREDIT_AGENT = re.compile(r"^(?:\S+ ){0,3}(?:by|from|de|von|par) ")
_CREDIT_NOTE = re.compile(rf"^(?:\S+ ){{1,8}}{_alt(CREDIT_NOTES)}(?: |$)")
# «… reported from» credits only names: "Peoples reported from New York", not "The agency …".
_NAMES_REPORTED = re.compile(r"^(?:[A-Z][\w'’-]+,? (?:and )?){1,6}reported from ")


def closing_credit(line: Line) -> bool:
    """«(إعداد محمد علي للنشرة العربية - تحرير سها جادو)», Reporting by …; Editing by …,
    «Redaktion: …», Peoples reported from New York…: who made the text, said after it."""
    if line.quoted or line.words > 40:
        return False
    key = line.key
    if _CREDIT_OPEN.match(key):
        # One role and a name, or several roles; never a sentence that opens with the word.
        roles = len(_CREDIT_ROLE_RE.findall(key))
        # "Reporting by", "With files from" say outright that names follow: a longer list.
        most = 14 if _CREDIT_AGENT.match(key) else 8
        return roles >= 2 or (line.words <= most and not line.text.rstrip(")]").endswith("."))
    if line.words > 30 or not _CREDIT_NOTE.match(key):
        return False
    return "reported from" not in key or _NAMES_REPORTED.match(line.bare) is not None


# --- source line ----------------------------------------------------------------------------------

_SOURCE_LINE = re.compile(
    rf"(?:{_flex('المصدر')}|{_flex('مصدر الخبر')}|{_flex('المصادر')}|Sources?|Quellen?|Fuentes?)"
    r"\s*[:：\-–—|]\s*"
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
_DATE_LABELS = DATE_LABELS
_TIME_WORDS = (
    "ص", "م", "صباحا", "مساء", "صباحًا", "مساءً", "AM", "PM", "GMT", "UTC", "GST", "بتوقيت",
    "القاهرة", "مكة", "المكرمة", "غرينتش", "جرينتش", "الساعة", "هـ", "ه", "Uhr",
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
    """Only a date or a time, with weekday, month names, labels and zone words around it; a
    date ending with a colon leads into what follows (an entry of a timeline) and stays."""
    if line.quoted or line.words > 24 or line.text.endswith((":", "：")):
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


# «الوزير خلال جولته في الميناء (تصوير: أحمد علي)»: a caption signed with its credit in
# brackets at its end is the picture's, not the text's; a paragraph never closes so.
_CAPTIONED_CREDIT = re.compile(
    r"[(\[]\s*(?:"
    + "|".join(_flex(w) for w in ("صورة", "الصورة", "تصوير", "الصور", "صور", "فيديو"))
    + r"|Pictures?|Photos?|Image|Credit|Pic|Photograph)"
    r"\s*[:：/]\s*(?P<name>[^:：()\[\]]{1,40})[)\]]$",
    re.I,
)


def _credit(line: Line) -> bool:
    if line.quoted:
        return False
    if line.words <= 40 and (match := _CAPTIONED_CREDIT.search(line.bare.rstrip(" ."))):
        return _name_like(match["name"].strip(" .").replace("/", " "))
    if line.words > 8:
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
    ("reader_prompt", _reader_prompt),
    ("paywall", _paywall),
    ("share_networks", _share_networks),
    ("copyright", _copyright),
    ("nav_links", _nav_links),
    ("read_also", _related_inline),
    ("page_chrome", _page_chrome),
    ("comment_policy", _comment_policy),
    ("social_embed", _social_embed),
    ("dateline", _dateline),
    ("credit", _credit),
)
