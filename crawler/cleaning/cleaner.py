"""The text cleaner: applies the rule catalog and a site's additions to the lines of a text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from crawler.cleaning.lines import (
    _BULLET,
    _TERMINAL,
    Line,
    _fold,
    headline_like,
    sentence_like,
)
from crawler.cleaning.rules import (
    _MAST_LABEL,
    _MAST_TITLE_RE,
    _MAST_WITH_NAME,
    _RANK,
    _SMALL_NUMBER,
    _SOURCE_LINE,
    LINE_RULES,
    _byline,
    _consent_button,
    _dateline_by,
    _name_like,
    _player_word,
    _related_label,
    _share_line,
    closing_credit,
    related_more_from,
)
from crawler.sites import Site

# Related-headline lists after a label: how many lines may follow in the middle of a text, and how
# many when the list runs to the end of it.
MAX_HEADLINES = 5
MAX_TRAILING_HEADLINES = 12


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
    if related_more_from(line):
        return _Hit("read_also", "more_headlines")
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
                if hit is not None and hit.follows in ("headlines", "more_headlines"):
                    teasers = self._teaser_run(i)
                    run, to_end = self._headline_run(i)
                    if teasers:
                        for j in teasers:
                            self.verdict[j] = "read_also"
                        continue
                    if hit.follows == "more_headlines" and run < 2:
                        self.verdict[i] = None
                        previous = line
                        continue
                    pending = "headlines"
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

    def _teaser_run(self, start: int) -> list[int]:
        """The lines after a related label when they run to the text's end as teasers: short
        lines (headlines, kickers, bylines), each summary line after one of them, two summaries
        at least. Running text has sentences in a row; a teaser list never does."""
        rest = [j for j in range(start + 1, len(self.lines)) if self.verdict[j] is None]
        if len(rest) < 4 or len(rest) > 3 * MAX_TRAILING_HEADLINES:
            return []
        summaries = 0
        after_summary = True
        for j in rest:
            line = self.lines[j]
            if line.words > 40:
                return []
            summary = sentence_like(line)
            if summary and after_summary:
                return []
            summaries += summary
            after_summary = summary
        headlines = sum(headline_like(self.lines[j]) for j in rest)
        return rest if summaries >= 2 and headlines >= 2 else []

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
        """The text's last lines, when they only name the source («المصدر: الجزيرة + وكالات»)
        or credit who made it («(إعداد … - تحرير …)», Reporting by …; Editing by …); the text
        ends at its credit, so a line or two after it (another story's teaser) goes too."""
        kept = [i for i, v in enumerate(self.verdict) if v is None]
        for _ in range(2):
            if len(kept) < 2:
                return
            i = kept.pop()
            line = self.lines[i]
            match = _SOURCE_LINE.fullmatch(line.bare)
            short = match is not None and Line.of(match["name"]).words <= 6
            if short and not line.quoted and not _TERMINAL.search(line.text):
                self.verdict[i] = "source_line"
            elif closing_credit(line):
                self.verdict[i] = "byline"
            else:
                self._after_credit([*kept, i])
                return

    def _after_credit(self, kept: list[int]) -> None:
        """A closing credit one or two lines before the end: what follows it is not the text."""
        for back in (2, 3):
            if len(kept) <= back:
                return
            credit = kept[-back]
            after = kept[-back + 1 :]
            if closing_credit(self.lines[credit]) and all(self.lines[j].words <= 60 for j in after):
                self.verdict[credit] = "byline"
                for j in after:
                    self.verdict[j] = "read_also"
                return

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
