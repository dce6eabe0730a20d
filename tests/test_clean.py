"""Noise cleaning: the seed dump, the noise corpus, text conventions, pipeline, `scrapy clean`."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, TESTS, validate_record
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.items import Article, Image
from crawler.sites import get as get_site
from crawler.text import body_blocks, content_hash, normalize_for_matching, normalize_line
from pipelines.clean import (
    CATALOG,
    CleanPipeline,
    clean_article,
    clean_record,
    clean_text,
    readable_line,
    rules_for,
)

SEED = TESTS / "data" / "seed"
SEED_URL = "https://www.vetogate.com/4302118"
CASES = json.loads((TESTS / "noise" / "cases.json").read_text(encoding="utf-8"))
VETOGATE = get_site("vetogate")

PARA = (
    "وأوضح المتحدث باسم الوزارة أن الفرق الطبية ستواصل عملها في المحافظات الحدودية حتى نهاية الشهر."
)
PARA2 = "ومن المنتظر أن تعرض الحكومة مشروع الموازنة الجديدة على مجلس النواب قبل نهاية مارس المقبل."


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_noise", ROOT / "bench" / "noise.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    # Its dataclasses look their module up while being defined.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _seed_raw() -> str:
    return (SEED / "000_8841564961a5f7a7.txt").read_text(encoding="utf-8")


def _seed_clean() -> str:
    return (SEED / "expected-clean.txt").read_text(encoding="utf-8").rstrip("\n")


# --- the seed -----------------------------------------------------------------------------------


def test_a_line_reads_with_single_plain_spaces_and_keeps_its_line_breaks() -> None:
    spaces = "".join(chr(c) for c in range(0x3001) if chr(c).isspace() and chr(c) != "\n")
    assert normalize_line(f"{spaces}قال\u00a0\u200bالوزير{spaces}إن{spaces}") == "قال الوزير إن"
    assert normalize_line(" سطر\u2003أول \n\tسطر  ثان ") == "سطر أول \n سطر ثان"
    # NFC: a letter and its combining mark become one character.
    assert normalize_line("\u0627\u0653") == "\u0622"


def test_seed_text_of_a_vetogate_record_cleans_to_expected() -> None:
    record = {"url": SEED_URL, "text": _seed_raw()}
    counts = clean_record(record, VETOGATE)
    assert record["text"] == _seed_clean()
    assert counts == {"masthead": 2, "ad_label": 4, "repeated_line": 1, "section_name": 1}


def test_seed_without_site_rules_keeps_the_section_link() -> None:
    text, removed = clean_text(_seed_raw(), rules_for(None))
    assert text.endswith("\n\nالجريدة الرسمية")
    assert text.removesuffix("\n\nالجريدة الرسمية") == _seed_clean()
    assert "section_name" not in {rule for rule, _ in removed}


def test_clean_body_comes_back_unchanged(seed_body: str) -> None:
    text, removed = clean_text(seed_body, rules_for(VETOGATE))
    assert text == seed_body
    assert removed == []


# --- the noise corpus ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_noise_case(case: dict[str, Any]) -> None:
    site = get_site(case["site"]) if case["site"] else None
    text, removed = clean_text("\n".join(case["input"]), rules_for(site))
    assert text.split("\n\n") == case["expected"]
    rules = {rule for rule, _ in removed}
    if case["rule"] == "text_convention":
        assert rules == set()
        changed = [readable for readable in case["expected"] if readable not in case["input"]]
        assert bool(changed) == (case["kind"] == "fire")
    elif case["kind"] == "fire":
        assert case["rule"] in rules
    else:
        assert case["rule"] not in rules
    # Cleaning clean text changes nothing.
    assert clean_text(text, rules_for(site)) == (text, [])


def test_corpus_covers_every_rule_with_fires_and_traps() -> None:
    assert len(CASES) >= 40
    assert len({c["name"] for c in CASES}) == len(CASES)
    kinds = Counter((c["rule"], c["kind"]) for c in CASES)
    for rule in [*CATALOG, "text_convention"]:
        assert kinds[(rule, "fire")] >= 2, rule
        assert kinds[(rule, "trap")] >= 1, rule
    assert {c["rule"] for c in CASES} <= {*CATALOG, "text_convention"}


def test_bench_counts_zero_leaks_and_losses_and_would_see_them() -> None:
    bench = _bench()
    score = bench.evaluate(CASES)
    assert (score.leaked, score.lost, score.failed) == (0, 0, [])
    assert score.noise_lines > 100
    # Spacing fixed but no rule applied: every noise line leaks.
    untouched = bench.evaluate(
        CASES, cleaner=lambda case: "\n".join(readable_line(x) for x in case["input"])
    )
    assert untouched.leaked == score.noise_lines
    emptied = bench.evaluate(CASES, cleaner=lambda case: "")
    assert emptied.lost == score.content_lines


def test_bench_script_prints_the_totals() -> None:
    result = subprocess.run(
        [sys.executable, "bench/noise.py"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "leaked: 0;" in result.stdout
    assert "lost: 0" in result.stdout


# --- rules in context ---------------------------------------------------------------------------


def test_related_list_running_to_the_end_goes_whole() -> None:
    headlines = [f"عنوان خبر متعلق رقم {n} عن أسعار السلع في الأسواق" for n in range(8)]
    text, removed = clean_text("\n".join([PARA, "الأكثر قراءة", *headlines]))
    assert text == PARA
    assert Counter(rule for rule, _ in removed) == {"read_also": 9}


def test_related_list_in_the_middle_is_capped() -> None:
    headlines = [f"عنوان خبر متعلق رقم {n} عن أسعار السلع في الأسواق" for n in range(8)]
    text, _ = clean_text("\n".join([PARA, "اقرأ أيضا", *headlines, PARA2]))
    assert text.split("\n\n") == [PARA, *headlines[5:], PARA2]


def test_site_rules_match_whole_lines_only() -> None:
    rules = rules_for(VETOGATE)
    kept = "date 2021-04-08 is the day the ministry set for the vote"
    assert clean_text(f"date 2021-04-08\n{kept}", rules) == (
        kept,
        [("site_rule", "date 2021-04-08")],
    )
    assert rules_for(None).line_patterns == ()
    assert "الجريده الرسميه" in rules.section_keys


def test_masthead_name_only_on_the_next_line() -> None:
    text, removed = clean_text("رئيس التحرير\nAdvertisement\nأزمة الوقود تتفاقم\n" + PARA)
    assert text.split("\n\n") == ["أزمة الوقود تتفاقم", PARA]
    assert removed == [("masthead", "رئيس التحرير"), ("ad_label", "Advertisement")]


def test_single_line_fields_join_with_a_space_and_may_empty() -> None:
    assert clean_text("Advertisement", single_line=True) == ("", [("ad_label", "Advertisement")])
    assert clean_text("عنوان\nالخبر", single_line=True)[0] == "عنوان الخبر"
    sections = rules_for(VETOGATE)
    assert clean_text("اقتصاد", sections, single_line=True) == ("اقتصاد", [])


# --- text conventions ---------------------------------------------------------------------------

CONTROLS = [chr(c) for c in [*range(0x200B, 0x2010), 0x061C, *range(0x202A, 0x202F)]] + [
    chr(c) for c in range(0x2066, 0x206A)
]


@pytest.mark.parametrize("control", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_invisible_controls_are_removed(control: str) -> None:
    assert clean_text(f"الحكومة{control} تعلن{control}") == ("الحكومة تعلن", [])


def test_spaces_nfc_and_tatweel() -> None:
    decomposed = "ا\u0653مال\u00a0\u2003 الوزير\u3000"
    assert unicodedata.normalize("NFC", decomposed) != decomposed
    assert clean_text(decomposed)[0] == "آمال الوزير"
    assert clean_text("الـــوزيــر  يصل ـــــ القاهرة")[0] == "الوزير يصل ـ القاهرة"
    assert clean_text("خلال الـ24 ساعة")[0] == "خلال الـ24 ساعة"
    assert clean_text("ـــــــ\n" + PARA) == (PARA, [("decoration", "ـ")])


def test_readable_text_is_never_the_matching_form() -> None:
    line = "أعلنت إدارة المدرسة الابتدائية أن الدراسة ستبدأ في ٢٠ سبتمبر، بحسب مصطفى."
    text, _ = clean_text(line)
    assert text == line
    assert normalize_for_matching(text) != text


def test_normalize_for_matching_folds_what_the_issue_lists() -> None:
    assert normalize_for_matching("أَحْمَدُ") == "احمد"  # tashkeel
    assert normalize_for_matching("الـــوزير") == "الوزير"  # tatweel
    assert normalize_for_matching("أ إ آ ٱ") == "ا ا ا ا"  # alef forms
    assert normalize_for_matching("مصطفى") == "مصطفي"
    assert normalize_for_matching("مدرسة") == "مدرسه"
    assert normalize_for_matching("٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹") == "0123456789 0123456789"
    assert normalize_for_matching("ا\u0653") == "ا"  # decomposed madda


# --- records ------------------------------------------------------------------------------------


def _noisy_article() -> Article:
    return Article(
        url=SEED_URL,
        canonical_url=SEED_URL,
        site="vetogate",
        title="مباحثات هاتفية بين الوزيرين\u200f",
        body="\n\n".join(
            ["Advertisements", PARA, "اقرأ أيضا", "عنوان خبر آخر عن أسعار الذهب اليوم", PARA2]
        ),
        images=[Image(url="https://img.vetogate.com/a.jpg", caption="الوزير\nالوزير")],
        content_hash="0" * 64,
    )


def test_clean_article_cleans_fields_and_rehashes() -> None:
    article = _noisy_article()
    counts = clean_article(article, VETOGATE)
    assert counts == {"ad_label": 1, "read_also": 2, "repeated_line": 1}
    assert article.title == "مباحثات هاتفية بين الوزيرين"
    assert body_blocks(article.body) == [PARA, PARA2]
    assert article.images[0].caption == "الوزير"
    assert article.content_hash == content_hash(article.title, article.body)
    assert article.removed_noise is None
    validate_record(article.to_dict())


def test_clean_article_keeps_removed_lines_on_request() -> None:
    article = _noisy_article()
    clean_article(article, VETOGATE, keep_removed=True)
    assert article.removed_noise == [
        "Advertisements",
        "اقرأ أيضا",
        "عنوان خبر آخر عن أسعار الذهب اليوم",
        "الوزير",
    ]
    validate_record(article.to_dict())


# --- the pipeline -------------------------------------------------------------------------------


def test_project_settings_enable_the_pipeline() -> None:
    assert project_settings.ITEM_PIPELINES["pipelines.clean.CleanPipeline"] == 300
    assert project_settings.CLEAN_KEEP_REMOVED is False


def test_pipeline_counts_removals_in_crawler_stats() -> None:
    crawler = get_crawler(settings_dict={"CLEAN_KEEP_REMOVED": True})
    pipeline = CleanPipeline.from_crawler(crawler)
    article = _noisy_article()
    assert pipeline.process_item(article) is article
    as_dict = {"url": SEED_URL, "title": "خبر", "body": "Advertisement\n\n" + PARA + "\n\nحوادث"}
    assert pipeline.process_item(as_dict)["body"] == PARA
    stats = crawler.stats.get_stats()
    assert stats["clean/items"] == 2
    assert stats["clean/removed/ad_label"] == 2
    assert stats["clean/removed/read_also"] == 2
    assert stats["clean/removed/repeated_line"] == 1
    assert stats["clean/removed/section_name"] == 1
    assert article.removed_noise and as_dict["removed_noise"] == ["Advertisement", "حوادث"]


def test_every_cookie_and_external_content_phrase_still_makes_a_consent_line() -> None:
    """The consent rule tests the fixed strings of its phrases before scanning a line with its
    patterns: a line holding any one of the phrases, in any written form, is still found."""
    from crawler.cleaning import rules
    from crawler.phrases import EXTERNAL_CONTENT

    lines = [f"نستخدم {p} لتحسين تجربتك على موقعنا" for p in rules._COOKIE_AR_PHRASES]
    lines += [f"We use {p} to improve your visit" for p in ("cookies", "device data", "TCF")]
    lines += [f"{p} — we ask for your permission" for p in EXTERNAL_CONTENT]
    # Written with another alef or a tatweel, as pages do: found in the matching form.
    lines += ["نستخدم ملفات تعريف الإرتباط لتحسين تجربتك", "نستخدم الكوكـيز لتحسين تجربتك"]
    for line in lines:
        text, removed = clean_text(f"{PARA}\n{line}")
        assert text == PARA and [rule for rule, _ in removed] == ["cookie_consent"], line


def test_pipeline_drops_items_left_without_body() -> None:
    crawler = get_crawler()
    pipeline = CleanPipeline.from_crawler(crawler)
    article = Article(
        url=SEED_URL, canonical_url=SEED_URL, site="vetogate", body="إعلان\n\nتويتر فيسبوك"
    )
    with pytest.raises(DropItem, match="empty body after cleaning"):
        pipeline.process_item(article)
    stats = crawler.stats.get_stats()
    assert stats["clean/dropped_empty"] == 1
    assert stats["clean/removed/share_networks"] == 1
    assert article.removed_noise is None


@pytest.mark.parametrize("title", ["من نحن", "اتصل بنا", "سياسة الخصوصية"])
def test_pipeline_drops_the_sites_own_pages(title: str) -> None:
    crawler = get_crawler()
    pipeline = CleanPipeline.from_crawler(crawler)
    page = {"url": "http://127.0.0.1:8000/about/", "title": title, "body": PARA}
    with pytest.raises(DropItem, match="a site page"):
        pipeline.process_item(page)
    assert crawler.stats.get_stats()["clean/dropped_site_page"] == 1
    # An article whose headline merely mentions such words stays.
    kept = {
        "url": "http://127.0.0.1:8000/n/1",
        "title": f"{title}: صفحة جديدة للوزارة",
        "body": PARA,
    }
    assert pipeline.process_item(kept) is kept


# --- scrapy clean -------------------------------------------------------------------------------


def _run_clean(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "clean", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        check=False,
    )


def _dump_records() -> list[dict[str, Any]]:
    ours = _noisy_article().to_dict()
    ours["fetched_at"] = "2021-04-08T12:00:00+00:00"
    other = {"url": SEED_URL, "text": _seed_raw(), "scraper": {"name": "x", "pages": [1, 2.5]}}
    plain = {"link": "https://example.org/a", "body": PARA + "\nإعلان\n" + PARA2, "n": None}
    return [ours, other, plain]


def test_scrapy_clean_rewrites_only_text_fields(tmp_path: Path) -> None:
    records = _dump_records()
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    result = _run_clean(str(source), "-o", str(tmp_path / "out.jsonl"))
    assert result.returncode == 0, result.stderr
    out = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    assert len(out) == len(records)
    cleaned = {"title", "body", "text", "images", "content_hash"}
    for before, after in zip(records, out, strict=True):
        assert after.keys() == before.keys()
        assert {k: v for k, v in after.items() if k not in cleaned} == {
            k: v for k, v in before.items() if k not in cleaned
        }
    assert out[0]["body"] == "\n\n".join([PARA, PARA2])
    assert out[0]["content_hash"] == content_hash(out[0]["title"], out[0]["body"])
    validate_record(out[0])
    assert out[1]["text"] == _seed_clean()
    assert "content_hash" not in out[1] and "content_hash" not in out[2]
    assert out[2]["body"] == "\n\n".join([PARA, PARA2])
    assert "clean: 3 records, 3 changed" in result.stderr
    assert "clean/removed/masthead: 2" in result.stderr


def test_scrapy_clean_passes_bad_lines_through_and_fails(tmp_path: Path) -> None:
    source = tmp_path / "dump.jsonl"
    good = json.dumps({"url": SEED_URL, "body": "Advertisement\n" + PARA}, ensure_ascii=False)
    source.write_text(f"{good}\n{{broken\n[1, 2]\n", "utf-8")
    result = _run_clean(str(source), "-o", str(source), "--keep-removed")
    assert result.returncode == 1
    assert "line 2:" in result.stderr and "line 3: not a JSON object" in result.stderr
    lines = source.read_text("utf-8").splitlines()
    assert lines[1:] == ["{broken", "[1, 2]"]
    assert json.loads(lines[0]) == {
        "url": SEED_URL,
        "body": PARA,
        "removed_noise": ["Advertisement"],
    }
    assert not list(tmp_path.glob("*.part"))


def test_scrapy_clean_usage_errors(tmp_path: Path) -> None:
    assert _run_clean(str(tmp_path / "missing.jsonl")).returncode == 2
    assert _run_clean().returncode == 2
    source = tmp_path / "in.jsonl"
    source.write_text("{}\n", "utf-8")
    assert _run_clean(str(source), "--site", "nosuchsite").returncode == 2
