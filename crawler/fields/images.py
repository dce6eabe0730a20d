"""The images field: pictures of the article with their captions."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from lxml.etree import _Element

from crawler.fields.jsonld import ld_text
from crawler.items import Image
from crawler.page import PageElements
from crawler.text import normalize_line


def _ld_images(value: Any) -> list[Image]:
    images: list[Image] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            images.append(Image(item))
        elif isinstance(item, dict):
            url = item.get("url") or item.get("contentUrl")
            if isinstance(url, list):
                url = url[0] if url else None
            if isinstance(url, str):
                caption = ld_text(item.get("caption")) or ld_text(item.get("description"))
                images.append(Image(url, caption))
    return images


# Elements that print a picture's caption beside it.
_CAPTION_CLASS = re.compile(
    r"(?:^|\s)caption(?:\s|$)|wp-caption-text|(?:image|photo|img|pic)-(?:caption|desc)"
)
_CAPTION_PARTS = ("caption", "-desc")


def _images(
    doc: _Element,
    url: str,
    ld: dict[str, Any],
    meta: dict[str, list[str]],
    body_sel: str | None,
    elements: PageElements | None = None,
) -> list[Image]:
    """The article's pictures with their captions. ``elements`` is the page's
    :class:`PageElements`, when already found."""
    elements = elements or PageElements(doc)
    found: list[Image] = []
    for fig in elements.of("figure"):
        if _in_side_content(fig):
            continue
        img = fig.find(".//img")
        src = _img_src(img) if img is not None else None
        cap_el = fig.find(".//figcaption")
        caption = normalize_line(cap_el.text_content()) if cap_el is not None else None
        if src:
            found.append(Image(src, caption or None))
    # Every caption class holds "caption" or "-desc": those strings narrow the elements the
    # regex sees.
    for el in elements.having(_CAPTION_PARTS):
        cls = el.get("class")
        if cls is None or not _CAPTION_CLASS.search(cls):
            continue
        if el.tag == "figcaption" or _in_side_content(el):
            continue
        caption = normalize_line(el.text_content())
        parent = el.getparent()
        img = parent.find(".//img") if parent is not None else None
        src = _img_src(img) if img is not None else None
        if src and caption:
            found.append(Image(src, caption))
    found = _ld_images(ld.get("image")) + found
    for og in meta.get("og:image", []):
        # A site's logo or placeholder stands in as og:image on many pages: it is no picture
        # of the article.
        if not (found and _PLACEHOLDER_IMAGE.search(og)):
            found.append(Image(og))
    merged: dict[str, Image] = {}
    for img in found:
        absolute = urljoin(url, img.url.strip())
        if not absolute.startswith(("http://", "https://")):
            continue
        known = merged.get(absolute)
        if known is None:
            merged[absolute] = Image(absolute, img.caption)
        elif not known.caption and img.caption:
            known.caption = img.caption
    return list(merged.values())


# Where pictures of other articles live: sidebars, related and most-read lists, footers.
_SIDE_NAMES = re.compile(
    r"(?:^|[\s_-])(?:related|read-?also|more-on|most-?read|recommended|sidebar|widgets?|outbrain"
    r"|taboola|promo|teasers?|more-?news)(?:$|[\s_-])"
)


def _in_side_content(el: _Element) -> bool:
    for a in el.iterancestors():
        if a.tag in ("aside", "nav", "footer"):
            return True
        if _SIDE_NAMES.search(f"{a.get('class', '')} {a.get('id', '')}".lower()):
            return True
    return False


_PLACEHOLDER_IMAGE = re.compile(r"logo|placeholder|default[-_.]|favicon|no-?image", re.I)


def _img_src(img: _Element) -> str | None:
    for attr in ("src", "data-src", "data-original", "data-lazy-src"):
        value = img.get(attr)
        if value and not value.startswith("data:"):
            return value
    return None


# Pictures that are no part of the article: icons, emoji, spacers and loaders, trackers, ads,
# writers' portraits.
_NOT_A_PICTURE = re.compile(
    r"emoji|icon|spacer|pixel|blank|leer\.|transparent|loader|loading|placeholder|1x1|\.gif(?:$|\?)"
    r"|/ads?/|banner|doubleclick|logo|avatar|gravatar|/autor|/author|/writers?/",
    re.I,
)
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|webp|gif|avif)(?:$|\?)", re.I)


def text_images(
    span: tuple[_Element, _Element] | None, url: str, known: list[Image]
) -> list[Image]:
    """``known`` with the pictures printed in the article's text (lazy-loaded ones too:
    ``data-src``) that no figure, caption or tag gave, in page order.

    ``span`` is the element holding the text and the one holding its last block: pictures
    after the text's end (teasers of related articles) are not the article's, nor are those
    that link to another page (a teaser's thumbnail), small ones (50 pixels or less on a side),
    loaders, icons, ads and writers' portraits.
    """
    if span is None:
        return known
    container, last = span
    seen = {img.url for img in known}
    out = list(known)
    ended = False
    for el in container.iter():
        if el is last:
            ended = True
            pictures = list(el.iter("img"))
        elif ended:
            break
        elif el.tag == "img":
            pictures = [el]
        else:
            continue
        for img in pictures:
            src = _img_src(img)
            if not src or _NOT_A_PICTURE.search(src) or _small(img) or _linked_away(img):
                continue
            absolute = urljoin(url, src.strip())
            if absolute.startswith(("http://", "https://")) and absolute not in seen:
                seen.add(absolute)
                out.append(Image(absolute))
    return out


def _linked_away(img: _Element) -> bool:
    """Inside a link to another page (a teaser), not to the picture itself."""
    for a in img.iterancestors("a"):
        href = (a.get("href") or "").strip()
        return bool(href) and not _IMAGE_FILE.search(href)
    return False


def _small(img: _Element) -> bool:
    for attr in ("width", "height"):
        value = (img.get(attr) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) <= 50:
            return True
    return False
