"""Text conventions shared by extraction, cleaning and dedup: spacing of readable text and the
normalized form of Arabic used only for matching."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Every Unicode space other than the plain one (no-break, thin, ideographic...) reads as a space.
_SPACES = re.compile(r"[^\S\n]+")
_INVISIBLE = re.compile("[\u200b-\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
_BLANK_LINES = re.compile(r"\n\s*\n+")

EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def normalize_line(line: str) -> str:
    """One line as readers see it: NFC, no invisible controls, single plain spaces, trimmed."""
    line = unicodedata.normalize("NFC", line)
    line = _INVISIBLE.sub("", line)
    if "\n" not in line:
        # str.split's whitespace is the regex's \s: the same result, without a substitution at
        # every space of the line.
        return " ".join(line.split())
    return _SPACES.sub(" ", line).strip()


def to_blocks(text: str) -> list[str]:
    """Split text into its non-empty lines, each normalized."""
    return [b for b in (normalize_line(x) for x in text.splitlines()) if b]


def join_blocks(blocks: list[str]) -> str:
    """The body convention: one block per paragraph or subheading, one blank line between."""
    return "\n\n".join(b for b in blocks if b)


def body_blocks(body: str) -> list[str]:
    """The blocks of a body written with :func:`join_blocks`."""
    return [b for b in (normalize_line(x) for x in _BLANK_LINES.split(body)) if b]


# Characters dropped for matching: invisible controls, tashkeel and tatweel, in one pass.
_DROPPED = re.compile(
    "[\u200b-\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff\u00ad"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]+"
)
_FOLDED = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"}
_FOLDED.update(zip("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789", strict=True))
# A substitution of only the characters that change: str.translate walks every character
# through a dict and was most of the cost of normalizing a body.
_FOLD = re.compile("[" + "".join(_FOLDED) + "]")
_NON_WORD = re.compile(r"[^\w\s]+")


def normalize_for_matching(text: str) -> str:
    """A form of Arabic text for comparing, hashing and shingling; never shown to users.

    Tashkeel and tatweel go, alef forms become bare alef, ى becomes ي, ة becomes ه, Eastern Arabic
    and Persian digits become ASCII, punctuation goes and spaces collapse.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _DROPPED.sub("", text)
    text = _FOLD.sub(lambda m: _FOLDED[m.group()], text).lower()
    text = _NON_WORD.sub(" ", text)
    # str.split's whitespace is the regex's \s: the same result as collapsing runs and trimming,
    # at a third of the cost.
    return " ".join(text.split())


def content_hash(title: str | None, body: str) -> str:
    """SHA-256 hex over the matching-normalized title and body."""
    material = normalize_for_matching(title or "") + "\n" + normalize_for_matching(body)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


# The letters (str.isalpha) of the Arabic block, as one character class: counted in C.
_ARABIC_LETTERS = re.compile(
    "[" + "".join(c for c in map(chr, range(0x600, 0x700)) if c.isalpha()) + "]"
)


def arabic_ratio(text: str) -> float:
    letters = sum(map(str.isalpha, text))
    if not letters:
        return 0.0
    return len(_ARABIC_LETTERS.findall(text)) / letters
