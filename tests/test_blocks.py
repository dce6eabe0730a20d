"""Typed blocks keep their DOM facts, and one phrase catalog serves extraction and cleaning."""

from __future__ import annotations

import lxml.html

from crawler.blocks import html_blocks, typed_blocks
from crawler.fields.body import _COMMENTS_HEADING
from crawler.phrases import COMMENT_HEADINGS, NETWORKS
from pipelines.clean import clean_text


def test_blocks_keep_tag_heading_link_share_tokens_and_place() -> None:
    container = lxml.html.fragment_fromstring(
        '<div><p class="kicker">عاجل</p><h1>ارتفاع أسعار القمح</h1>'
        '<p class="lead">ارتفعت أسعار القمح في الأسواق العالمية اليوم.</p>'
        '<h2>أسباب الارتفاع</h2><p>قال خبراء إن <a href="/x">الجفاف</a> وراء الارتفاع.</p>'
        '<div class="more"><a href="/y">خبر آخر عن الأسعار</a></div></div>'
    )
    blocks, share = typed_blocks(container)
    assert [b.text for b in blocks] == html_blocks(container)[0]
    assert [b.tag for b in blocks] == ["p", "h1", "p", "h2", "p", "div"]
    assert [b.heading for b in blocks] == [False, True, False, True, False, False]
    assert [b.after_headline for b in blocks] == [False, False, True, True, True, True]
    assert "lead" in blocks[2].tokens and "more" in blocks[5].tokens
    assert (
        blocks[5].link_share == 1.0 and 0 < blocks[4].link_share < 1 and blocks[2].link_share == 0
    )
    assert 0 < share < 1
    # Without a headline in the container, the place is unknown.
    (block,), _ = typed_blocks(lxml.html.fragment_fromstring("<div><p>نص</p></div>"))
    assert block.after_headline is None


def test_every_network_of_the_catalog_is_a_share_line_and_a_follow_target() -> None:
    for name in NETWORKS:
        _, removed = clean_text(f"فيسبوك {name}")
        assert [rule for rule, _ in removed] == ["share_networks"], name
        _, removed = clean_text(f"تابعونا على {name}")
        assert [rule for rule, _ in removed] == ["follow_prompt"], name


def test_every_comment_heading_of_the_catalog_heads_comments() -> None:
    for heading in COMMENT_HEADINGS:
        assert _COMMENTS_HEADING.match(heading), heading
        assert _COMMENTS_HEADING.match(f"{heading} (12)"), heading
