"""The language field: declared language, checked against the text's script."""

from __future__ import annotations

import re
from typing import Any

from lxml.etree import _Element

from crawler.fields.jsonld import ld_text
from crawler.page import _first
from crawler.text import arabic_ratio

# Languages written in Arabic script: a page declaring one of them is believed.
_ARABIC_SCRIPT = {"ar", "fa", "ur", "ps", "ku", "ckb", "sd", "ug"}


def _language(doc: _Element, ld: dict[str, Any], meta: dict[str, list[str]], text: str) -> str:
    """The declared language, unless the text says otherwise: templates often keep ``lang="en"``
    on Arabic pages, so mostly Arabic text declared in a Latin-script language is ``ar``."""
    # The opening of the text tells its script as well as the whole of it does.
    arabic = arabic_ratio(text[:3000]) > 0.5
    for value in (doc.get("lang"), ld_text(ld.get("inLanguage")), _first(meta, "og:locale")):
        if value and value.strip():
            declared = re.split(r"[-_]", value.strip())[0].lower()
            return "ar" if arabic and declared not in _ARABIC_SCRIPT else declared
    return "ar" if arabic else "und"
