"""Parsing of the dates news pages print (ISO, Arabic month names, Eastern digits) into ISO 8601
with a UTC offset, applying a site's time zone only when the page gives none."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import dateparser
import dateparser.date

from crawler.text import EASTERN_DIGITS

# Levantine (Syriac) and Maghrebi month names and spelling variants, as the Egyptian forms
# dateparser knows.
_MONTHS = {
    "كانون الثاني": "يناير",
    "كانون ثاني": "يناير",
    "شباط": "فبراير",
    "آذار": "مارس",
    "اذار": "مارس",
    "نيسان": "أبريل",
    "أيار": "مايو",
    "ايار": "مايو",
    "حزيران": "يونيو",
    "تموز": "يوليو",
    "آب": "أغسطس",
    "اب": "أغسطس",
    "أيلول": "سبتمبر",
    "ايلول": "سبتمبر",
    "تشرين الأول": "أكتوبر",
    "تشرين الاول": "أكتوبر",
    "تشرين أول": "أكتوبر",
    "تشرين الثاني": "نوفمبر",
    "تشرين ثاني": "نوفمبر",
    "كانون الأول": "ديسمبر",
    "كانون الاول": "ديسمبر",
    "كانون أول": "ديسمبر",
    "ابريل": "أبريل",
    "إبريل": "أبريل",
    "اغسطس": "أغسطس",
    "أغسطس": "أغسطس",
    "اكتوبر": "أكتوبر",
    "يونيه": "يونيو",
    "يوليه": "يوليو",
    # Maghrebi forms (Morocco; Algeria and Tunisia).
    "ماي": "مايو",
    "يوليوز": "يوليو",
    "غشت": "أغسطس",
    "شتنبر": "سبتمبر",
    "نونبر": "نوفمبر",
    "دجنبر": "ديسمبر",
    "جانفي": "يناير",
    "فيفري": "فبراير",
    "أفريل": "أبريل",
    "جوان": "يونيو",
    "جويلية": "يوليو",
    "أوت": "أغسطس",
}
_MONTH_RE = re.compile(
    r"(?<![\w])(" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + r")(?![\w])"
)
# ص/م mean AM/PM only after a clock time: "2021م" and "2021 م" are the Gregorian era mark.
_MERIDIEM = [
    (re.compile(r"(\d{1,2}:\d{2}(?::\d{2})?)\s*(?:مساءً|مساءا|مساء|م)(?!\w)"), r"\1 PM"),
    (re.compile(r"(\d{1,2}:\d{2}(?::\d{2})?)\s*(?:صباحاً|صباحا|صباح|ص)(?!\w)"), r"\1 AM"),
]
_ERA = re.compile(r"(?<=\d)\s*م(?!\w)")
_NOISE = re.compile(r"(?:آخر تحديث|تاريخ النشر|نشر في|نشر|بتوقيت القاهرة|بتوقيت مكة المكرمة)[:：]?")
# GMT is an offset, not a label: «10:00 GMT», «GMT+3», «بتوقيت غرينتش» are UTC times.
_GMT = re.compile(r"(?:بتوقيت\s+|توقيت\s+)?(?:غرينتش|غرينيتش|جرينتش)|(?<![A-Za-z])GMT(?![A-Za-z])")
_SEPARATORS = re.compile(r"\s*[|،,]\s*|\s+-\s+")
# A Hijri date printed beside the Gregorian one («الأحد 12 جمادى الأولى 1448 هـ الموافق 23 نوفمبر
# 2026», Gulf papers): dateparser reads neither the pair nor the Hijri part, so it goes, with the
# «الموافق» ("corresponding to") joining them. A month name counts only before a year: «رمضان»
# and «صفر» are words and names too.
_HIJRI_MONTHS = (
    r"محرم|صفر|ربيع\s+(?:الأول|الاول|الآخر|الاخر|الثاني)"
    r"|جماد[ىي]\s+(?:الأولى|الاولى|الأول|الاول|الآخرة|الاخرة|الآخر|الاخر|الثانية)"
    r"|رجب|شعبان|رمضان|شوال|ذ[وي]\s+القعدة|ذ[وي]\s+الحجة"
)
_HIJRI = re.compile(
    rf"(?:\d{{1,2}}\s+)?(?:{_HIJRI_MONTHS})\s*[,،]?\s*\d{{4}}\s*(?:هـ|ه)?(?!\w)"
    r"|\d{1,4}[/-]\d{1,2}[/-]\d{1,4}\s*(?:هـ|ه)(?!\w)"
    r"|(?<!\w)(?:الموافق|الموافقة|موافق)(?!\w)\s*[:：]?"
)

# Month names as pages print them: the Egyptian forms dateparser knows, every Levantine and
# Maghrebi form or variant it is taught through _MONTHS, and English.
_EGYPTIAN_MONTHS = (
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
    "نوفمبر", "ديسمبر",
)  # fmt: skip
_ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
    "Sept", "Oct", "Nov", "Dec",
)  # fmt: skip
MONTH_NAMES = tuple(dict.fromkeys((*_EGYPTIAN_MONTHS, *_MONTHS, *_ENGLISH_MONTHS)))
_EGYPTIAN_ALT = "|".join(_EGYPTIAN_MONTHS)
_PAIRED_MONTH = re.compile(rf"({_EGYPTIAN_ALT})\s*[/\\\-–(]\s*({_EGYPTIAN_ALT})\s*\)?")

# Country-code domains whose time zone is a fair guess for an unregistered site.
TLD_ZONES = {
    "eg": "Africa/Cairo",
    "sa": "Asia/Riyadh",
    "ae": "Asia/Dubai",
    "qa": "Asia/Qatar",
    "kw": "Asia/Kuwait",
    "bh": "Asia/Bahrain",
    "om": "Asia/Muscat",
    "jo": "Asia/Amman",
    "lb": "Asia/Beirut",
    "sy": "Asia/Damascus",
    "iq": "Asia/Baghdad",
    "ps": "Asia/Gaza",
    "ye": "Asia/Aden",
    "sd": "Africa/Khartoum",
    "ly": "Africa/Tripoli",
    "tn": "Africa/Tunis",
    "dz": "Africa/Algiers",
    "ma": "Africa/Casablanca",
}


@dataclass(frozen=True)
class ParsedDate:
    iso: str
    raw: str
    assumed: bool


# «منذ 3 ساعات», «قبل 5 دقائق», «أمس 10:30 م», "2 hours ago": counted back from when the page
# was fetched, in the site's time.
_RELATIVE = re.compile(r"(?<!\w)(?:منذ|قبل|أمس|امس|اليوم|البارحة|ago|yesterday|today)(?!\w)", re.I)


def parse_date(
    raw: str | None, timezone: str, date_order: str = "DMY", now: datetime | None = None
) -> ParsedDate | None:
    """Parse a page's date string; naive times get ``timezone`` and ``assumed=True``. A relative
    date counts back from ``now`` (when the page was fetched; default: this moment)."""
    if not raw or not raw.strip():
        return None
    raw = " ".join(raw.split())
    if _RELATIVE.search(raw) and not _DAY_MONTH_YEAR.search(raw.translate(EASTERN_DIGITS)):
        value = _relative(raw, timezone, date_order, now)
    else:
        value = _parse(raw, date_order)
    if value is None or not 1990 <= value.year <= 2100:
        return None
    assumed = value.tzinfo is None
    if assumed:
        value = value.replace(tzinfo=ZoneInfo(timezone))
    return ParsedDate(value.isoformat(timespec="seconds"), raw, assumed)


def _parse(raw: str, date_order: str) -> datetime | None:
    text = raw.translate(EASTERN_DIGITS)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    text = _NOISE.sub(" ", text)
    if "ه" in text or "موافق" in text:
        text = " ".join(_HIJRI.sub(" ", text).split())
        if not any(c.isdigit() for c in text):
            # Only a Hijri date (and a weekday, which dateparser would read as last Sunday).
            return None
    text = _GMT.sub(" UTC", text)
    text = _MONTH_RE.sub(lambda m: _MONTHS[m.group(1)], text)
    # «24 نيسان / أبريل 2020»: the Levantine name and the Egyptian one of the same month.
    text = _PAIRED_MONTH.sub(lambda m: m[1] if m[1] == m[2] else m[0], text)
    for pattern, repl in _MERIDIEM:
        text = pattern.sub(repl, text)
    text = _ERA.sub("", text)
    text = _SEPARATORS.sub(" ", text).strip()
    return _printed(text) or _parser(date_order).get_date_data(text).date_obj


# The form Arabic pages print most, once normalized above: «الجمعة 27 نوفمبر 2026 03:15 PM».
# dateparser reads it the same (the weekday ignored) at a hundredth of the cost; anything else,
# or a value out of range, goes to dateparser.
_WEEKDAYS = (
    "الأحد", "الاحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الاربعاء", "الخميس", "الجمعة",
    "السبت",
)  # fmt: skip
_PRINTED = re.compile(
    rf"(?:(?:{'|'.join(_WEEKDAYS)})\s+)?([0-9]{{1,2}})\s+({_EGYPTIAN_ALT})\s+([0-9]{{4}})"
    r"(?:\s+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?(?:\s+([AP]M))?)?"
)


def _printed(text: str) -> datetime | None:
    match = _PRINTED.fullmatch(text)
    if match is None:
        return None
    day, month, year, hour, minute, second, meridiem = match.groups()
    h = int(hour or 0)
    if meridiem:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if meridiem == "PM" else 0)
    try:
        return datetime(
            int(year), _EGYPTIAN_MONTHS.index(month) + 1, int(day), h, int(minute or 0),
            int(second or 0),
        )  # fmt: skip
    except ValueError:
        return None


# A whole date is no relative one, whatever words stand around it («نشر قبل 23/11/2026»).
_DAY_MONTH_YEAR = re.compile(r"\d{4}")


def _relative(raw: str, timezone: str, date_order: str, now: datetime | None) -> datetime | None:
    """A relative date as the site's local time: dateparser counts back from a naive base, so
    the base is the fetch time on the site's clock, not this machine's."""
    zone = ZoneInfo(timezone)
    base = (now or datetime.now(zone)).astimezone(zone).replace(tzinfo=None)
    text = raw.translate(EASTERN_DIGITS)
    for pattern, repl in _MERIDIEM:
        text = pattern.sub(repl, text)
    settings = {"DATE_ORDER": date_order, "RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"}
    return dateparser.parse(_NOISE.sub(" ", text), languages=["ar", "en"], settings=settings)


@functools.lru_cache(maxsize=8)
def _parser(date_order: str) -> dateparser.date.DateDataParser:
    # Building a parser loads and compiles its locales: done once, not for every date.
    return dateparser.date.DateDataParser(
        languages=["ar", "en"],
        settings={"DATE_ORDER": date_order, "PREFER_DAY_OF_MONTH": "first"},
    )
