"""Lines of text as the cleaning rules see them: readable and matching forms."""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.text import normalize_for_matching, normalize_line

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
    if "\u0640" in line:
        line = _KASHIDA.sub("", line)
        line = _TATWEEL_RUN.sub("\u0640", line)
    # str.split's whitespace is the regex's \s: the same as collapsing runs and trimming, without
    # a substitution at every space of the line.
    return " ".join(line.split())


def sentence_like(line: Line) -> bool:
    """Reads as running text: ends like a sentence or is too long for a headline."""
    return bool(_TERMINAL.search(line.text)) or line.words > 22 or len(line.text) > 160


def headline_like(line: Line) -> bool:
    """Reads like a headline link: a few words, no sentence ending."""
    return line.words >= 3 and not sentence_like(line)
