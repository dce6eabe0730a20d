"""Health alarms against a site's own history, and the report page over several runs."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import generic_site
import pytest
from ops_fixtures import ROOT, broken_sample, crawlall, reports, scrapy, site_name, summaries
from redis_helpers import REDIS_SERVER, redis_server

from crawler.health import AlarmRules, BlockedRules, alarms, blocked_reasons, figures_from_records
from crawler.retention import prune_site
from crawler.sample import SampleServer, Snapshot
from crawler.state import SQLiteStateStore
from crawler.stores import open_state_store

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"


@dataclass
class History:
    tmp: Path
    blog: str
    healthy: Any
    broken: Any


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    """A healthy crawl of the sample and a blog site, its health copied into a second store as
    five earlier runs, then a crawl with that store after the sample's layout changed."""
    tmp = tmp_path_factory.mktemp("health")
    with (
        generic_site.serve() as (blog, _),
        SampleServer(Snapshot.load("vetogate")) as good,
        SampleServer(Snapshot.load("vetogate", base=broken_sample(tmp / "broken"))) as bad,
    ):
        targets = ["vetogate", f"news:{blog}/"]
        healthy = crawlall(tmp, [*targets, "--quiet"], good, state="state1")
        assert healthy.returncode == 0, healthy.stderr[-3000:]
        seed = SQLiteStateStore(tmp / "state1" / "crawler.sqlite3")
        store = SQLiteStateStore(tmp / "state2" / "crawler.sqlite3")
        for site in ("vetogate", site_name(blog)):
            (run,) = seed.health_history(site, 10)
            figures = {k: v for k, v in run.items() if k not in ("run_id", "at", "outcome")}
            for n in range(5):
                at = run["at"] - 1800 * (n + 1)
                store.record_health(site, f"seed{n}", at, run["outcome"], figures)
        seed.close()
        store.close()
        broken = crawlall(
            tmp, targets, bad, state="state2", settings={"HEALTH_ALARMS_FAIL": "True"}
        )
    yield History(tmp, blog, healthy, broken)


def test_a_layout_change_raises_date_and_body_alarms_for_that_site_only(
    history: History,
) -> None:
    proc = history.broken
    assert proc.returncode == 7, proc.stdout + proc.stderr[-3000:]
    out = history.tmp / "output"
    # --quiet: a run where every site succeeded prints nothing at all (cron mails any output).
    assert history.healthy.stdout == history.healthy.stderr == ""
    first, last = reports(out, "vetogate")
    assert first["alarms"] == [] and first["outcome"] == "ok"
    names = {a["name"] for a in last["alarms"]}
    assert {"date_coverage", "generic_share"} <= names, last["alarms"]
    assert last["outcome"] == "alarm" and last["alarms_fail"] is True
    assert last["health"]["coverage"]["date"] < 0.5 * first["health"]["coverage"]["date"]
    assert last["stats"]["health/alarm/date_coverage"] == 1
    assert "Health alarm for vetogate: date_coverage" in proc.stderr
    blog_runs = reports(out, site_name(history.blog))
    assert [r["alarms"] for r in blog_runs] == [[], []]
    assert blog_runs[-1]["outcome"] == "ok"
    summary = summaries(out)[-1]
    assert summary["exit_code"] == 7 and summary["failed_sites"] == ["vetogate"]


def test_alarms_need_history_and_a_sharp_fall() -> None:
    def run(date: float, generic: float, median: int, records: int = 20) -> dict[str, Any]:
        figures = figures_from_records([{"title": "t", "body": "x" * median}] * records)
        figures["coverage"]["date"] = date
        figures["body_sources"] = {"generic": generic, "selectors": 1 - generic}
        return figures

    rules = AlarmRules(min_history=5)
    past = [run(0.98, 0.05, 2000) for _ in range(10)]
    now = run(0.10, 0.80, 900)
    names = {a["name"] for a in alarms(now, past, rules)}
    assert names == {"date_coverage", "generic_share", "body_median"}
    assert alarms(now, past[:4], rules) == []  # too little history
    assert alarms(run(0.90, 0.10, 1900), past, rules) == []  # a wobble, not a fall
    zero = run(0.0, 0.0, 0, records=0)
    assert [a["name"] for a in alarms(zero, past, rules)] == ["records_zero"]
    quiet_past = [*past[:9], run(0, 0, 0, records=0)]
    assert alarms(zero, quiet_past, rules) == []  # a site that sometimes has nothing new


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_health_history_is_kept_per_site_newest_first(tmp_path: Path, backend: str) -> None:
    with ExitStack() as stack:
        settings = {"STATE_PATH": str(tmp_path / "s.sqlite3")}
        if backend == "redis":
            if not Path(REDIS_SERVER).exists():
                pytest.skip("redis-server is not installed")
            settings["REDIS_URL"] = stack.enter_context(redis_server(tmp_path / "redis"))
        store = open_state_store(settings)
        stack.callback(store.close)
        for n in range(3):
            store.record_health("a", f"r{n}", 1000.0 + n, "ok", {"records": n, "x": "نص"})
        store.record_health("b", "x", 5000.0, "blocked", {"records": 0})
        history = store.health_history("a", 2)
        assert [(h["run_id"], h["records"], h["x"]) for h in history] == [
            ("r2", 2, "نص"),
            ("r1", 1, "نص"),
        ]
        assert store.health_history("b", 10)[0]["outcome"] == "blocked"
        assert store.health_history("c", 10) == []


def test_retention_removes_old_empty_runs_and_keeps_records(tmp_path: Path) -> None:
    site = tmp_path / "vetogate"
    site.mkdir()
    names = []
    for hour in range(6):
        name = f"vetogate-202611{10 + hour:02d}T120000Z-0000000{hour}.jsonl"
        (site / name).write_text("" if hour % 2 else '{"a": 1}\n', encoding="utf-8")
        (site / (name + ".report.json")).write_text("{}", encoding="utf-8")
        names.append(name)
    removed = prune_site(site, keep_empty=1, retention_days=0)
    # Empty runs at hours 1, 3, 5: only the newest stays; runs with records all stay.
    assert sorted(p.name for p in removed) == sorted(
        [names[1], names[1] + ".report.json", names[3], names[3] + ".report.json"]
    )
    left = sorted(p.name for p in site.glob("*.jsonl"))
    assert left == [names[0], names[2], names[4], names[5]]
    now = datetime(2026, 11, 30, tzinfo=UTC)
    removed = prune_site(site, keep_empty=10, retention_days=15, now=now, keep=[site / names[0]])
    # Older than 15 days: runs of the 12th and 14th go, the 10th is kept as asked, the 15th stays.
    assert sorted(p.name for p in site.glob("*.jsonl")) == [names[0], names[5]]
    assert not (site / (names[2] + ".report.json")).exists()
    assert len(removed) == 4


@pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Debian's chromium is not installed")
def test_report_page_opens_in_chromium_with_a_section_per_site(history: History) -> None:
    from playwright.sync_api import sync_playwright

    out = history.tmp / "output"
    page_path = history.tmp / "report.html"
    proc = scrapy("report", str(out), "-o", str(page_path))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == str(page_path)
    text = page_path.read_text(encoding="utf-8")
    assert "<script" not in text and "http://" not in text.split("<body>")[0]
    sites = ["vetogate", site_name(history.blog)]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_path.as_uri())
        assert page.get_attribute("html", "dir") == "rtl"
        assert page.get_attribute("html", "lang") == "ar"
        found = page.eval_on_selector_all("section.site", "els => els.map(e => e.dataset.site)")
        assert sorted(found) == sorted(sites)
        for site in sites:
            section = f'section.site[data-site="{site}"]'
            charts = page.eval_on_selector_all(
                f"{section} figure.chart",
                "els => els.map(e => [e.dataset.chart, e.querySelector('svg') &&"
                " e.querySelector('svg').getBoundingClientRect().height])",
            )
            kinds = {kind for kind, height in charts if height and height > 50}
            # The blog site's pages carry no noise the cleaner knows: no noise chart for it.
            expected = {"records", "coverage", "sources"} | (
                {"noise"} if site == "vetogate" else set()
            )
            assert kinds == expected, (site, charts)
        # The broken run's alarms are listed in the vetogate section.
        alarms_text = page.inner_text('section.site[data-site="vetogate"]')
        assert "date_coverage" in alarms_text and "generic_share" in alarms_text
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "report-page.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert problems == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")


def test_blocked_is_told_from_quiet() -> None:
    def run(records: int, pages: int, **blocked: int) -> dict[str, Any]:
        return {"records": records, "pages": pages, "blocked": blocked}

    rules = BlockedRules()
    had_records = [{"records": 12, "outcome": "ok"}] * 3
    never_had = [{"records": 0, "outcome": "ok"}] * 3
    # A feed that is suddenly empty where the site always had records: blocked; a quiet site
    # whose feed is empty, or an empty feed on a run that still wrote records: not.
    assert blocked_reasons(run(0, 3, empty_feed=1), had_records, rules)
    assert blocked_reasons(run(0, 3, empty_feed=1), never_had, rules) == []
    assert blocked_reasons(run(4, 9, empty_feed=1), had_records, rules) == []
    # A 403/429 storm, even with a few pages through; a stray 403 is not one.
    assert blocked_reasons(run(2, 10, http_403=6, http_429=2), had_records, rules)
    assert blocked_reasons(run(9, 30, http_403=1), had_records, rules) == []
    # A challenge page and nothing written.
    assert blocked_reasons(run(0, 0, challenge=1), [], rules)


def test_flagged_article_pages_without_text_are_their_own_body_source() -> None:
    records = [
        {"title": "خبر", "body": "نص الخبر", "body_source": "generic"},
        {"title": "خبر بلا نص", "body": "", "body_source": None, "body_missing": True},
    ]
    figures = figures_from_records(records)
    assert figures["body_sources"] == {"generic": 0.5, "missing": 0.5}
    assert figures["coverage"]["body"] == 0.5
