"""One self-contained HTML page over an output folder's run reports and dumps: a section per site
with matplotlib charts inlined as SVG, tables of duplicate clusters, errors and alarms."""

from __future__ import annotations

import html
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on a cron machine; savefig(format="svg") needs none

import matplotlib.dates as mdates
import matplotlib.pyplot as plt

from crawler.health import BODY_SOURCES, COVERAGE_FIELDS, figures_from_records

REPORT_SUFFIX = ".report.json"
SKIP_FOLDERS = {"crawlall"}
OUTCOME_COLOURS = {"ok": "#2b7bb9", "alarm": "#e08a00", "blocked": "#c0392b"}


@dataclass
class Run:
    """What the page shows of one run, from its report (and its dump when the report is older
    than health figures)."""

    started: datetime
    run_id: str | None
    records: int
    outcome: str
    health: dict[str, Any] | None
    alarms: list[dict[str, Any]]
    blocked_reasons: list[str]
    errors: dict[str, int]
    output_file: Path


@dataclass
class SiteData:
    name: str
    runs: list[Run] = field(default_factory=list)
    clusters: list[dict[str, Any]] = field(default_factory=list)


def _records(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                yield record


def load_site(folder: Path, max_runs: int) -> SiteData:
    """A site's latest ``max_runs`` runs, oldest first, and its duplicate clusters."""
    site = SiteData(folder.name)
    for path in folder.glob("*" + REPORT_SUFFIX):
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
            started = datetime.fromisoformat(report["started_at"])
        except (ValueError, KeyError, TypeError):
            continue
        output = path.with_name(path.name.removesuffix(REPORT_SUFFIX))
        health = report.get("health")
        if health is None and output.is_file():
            health = figures_from_records(_records(output))
        site.runs.append(
            Run(
                started=started,
                run_id=report.get("run_id"),
                records=int(report.get("items_written") or 0),
                outcome=report.get("outcome") or "ok",
                health=health,
                alarms=report.get("alarms") or [],
                blocked_reasons=report.get("blocked_reasons") or [],
                errors=((report.get("errors") or {}).get("by_kind")) or {},
                output_file=output,
            )
        )
    site.runs.sort(key=lambda r: r.started)
    site.runs = site.runs[-max_runs:]
    site.clusters = duplicate_clusters(site.runs)
    return site


def duplicate_clusters(runs: list[Run], limit: int = 15) -> list[dict[str, Any]]:
    """Stories published under more than one URL (``cluster_id`` shared by articles of other
    canonical URLs), largest first; versions and re-crawls of one URL count once."""
    members: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for run in runs:
        for record in _records(run.output_file):
            if record.get("cluster_id"):
                url = record.get("canonical_url") or record.get("url") or ""
                members[record["cluster_id"]].setdefault(url, record)
    clusters = []
    for cluster_id, by_url in members.items():
        if len(by_url) < 2:
            continue
        records = list(by_url.values())
        first = next((r for r in records if not r.get("duplicate_of")), records[0])
        clusters.append(
            {
                "cluster_id": cluster_id,
                "title": first.get("title") or "",
                "size": len(by_url),
                "urls": sorted(by_url),
            }
        )
    clusters.sort(key=lambda c: (-c["size"], c["title"]))
    return clusters[:limit]


def load(output_dir: Path, max_runs: int = 500) -> list[SiteData]:
    sites = []
    for folder in sorted(p for p in output_dir.iterdir() if p.is_dir()):
        if folder.name in SKIP_FOLDERS or folder.name.startswith("."):
            continue
        site = load_site(folder, max_runs)
        if site.runs:
            sites.append(site)
    return sites


# --- charts --------------------------------------------------------------------------------


def _svg(fig: Any, salt: str) -> str:
    """The figure as an inline ``<svg>`` element (ids salted per chart: several share a page)."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _label(site: SiteData, what: str) -> str:
    """A chart title: matplotlib draws Arabic letters unjoined and left to right, so a name that
    is not ASCII (the host of an Arabic domain) stays in the section's HTML heading only."""
    return f"{site.name}: {what}" if site.name.isascii() else what


def _time_axis(ax: Any) -> None:
    # Runs a minute or months apart: the concise formatter labels both readably.
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(alpha=0.3)


def chart_records(site: SiteData) -> str:
    fig, ax = plt.subplots(figsize=(7, 2.8))
    times = [r.started for r in site.runs]
    ax.plot(times, [r.records for r in site.runs], color="#888", linewidth=1)
    for outcome, colour in OUTCOME_COLOURS.items():
        pts = [(r.started, r.records) for r in site.runs if r.outcome == outcome]
        if pts:
            ax.scatter(*zip(*pts, strict=True), color=colour, label=outcome, zorder=3, s=18)
    ax.set_title(_label(site, "records per run"))
    ax.set_ylabel("records")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    _time_axis(ax)
    return _svg(fig, f"{site.name}-records")


def chart_coverage(site: SiteData) -> str:
    fig, ax = plt.subplots(figsize=(7, 2.8))
    runs = [r for r in site.runs if r.health and r.health["records"]]
    for name in COVERAGE_FIELDS:
        values = [100 * (r.health["coverage"].get(name) or 0) for r in runs]  # type: ignore[index]
        ax.plot([r.started for r in runs], values, marker="o", markersize=3, label=name)
    ax.set_title(_label(site, "field coverage (% of records)"))
    ax.set_ylim(-3, 103)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    _time_axis(ax)
    return _svg(fig, f"{site.name}-coverage")


def chart_sources(site: SiteData) -> str:
    fig, ax = plt.subplots(figsize=(7, 2.6))
    runs = [r for r in site.runs if r.health and r.health["records"]]
    labels = [r.started.strftime("%m-%d %H:%M") for r in runs]
    bottom = [0.0] * len(runs)
    names = list(BODY_SOURCES) + sorted(
        {k for r in runs for k in r.health["body_sources"]} - set(BODY_SOURCES)  # type: ignore[index]
    )
    for name in names:
        values = [100 * r.health["body_sources"].get(name, 0.0) for r in runs]  # type: ignore[index]
        ax.bar(range(len(runs)), values, bottom=bottom, label=name)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(range(len(runs)), labels, rotation=30, ha="right", fontsize=7)
    ax.set_title(_label(site, "body source (% of records per run)"))
    ax.set_ylim(0, 100)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    return _svg(fig, f"{site.name}-sources")


def chart_noise(site: SiteData, top: int = 10) -> str | None:
    totals: Counter[str] = Counter()
    for run in site.runs:
        totals.update((run.health or {}).get("noise_removed") or {})
    if not totals:
        return None
    rules = totals.most_common(top)[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.4 * len(rules) + 1))
    ax.barh([name for name, _ in rules], [n for _, n in rules], color="#5b8c5a")
    ax.set_title(_label(site, "noise lines removed per rule (all runs shown)"))
    ax.set_xlabel("lines")
    return _svg(fig, f"{site.name}-noise")


# --- the page ------------------------------------------------------------------------------

STYLE = """
body { font-family: "Noto Naskh Arabic", "DejaVu Sans", Tahoma, sans-serif; margin: 1.5em;
       color: #222; background: #fafafa; }
section.site { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 1em;
               margin-bottom: 2em; }
figure { margin: 0.5em 0; direction: ltr; text-align: left; }
figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 0.5em 0; }
td, th { border: 1px solid #ddd; padding: 0.25em 0.6em; vertical-align: top; }
.ltr { direction: ltr; unicode-bidi: isolate; }
.alarm { color: #a05a00; } .blocked { color: #c0392b; } .none { color: #777; }
"""


def _e(text: Any) -> str:
    return html.escape(str(text))


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", name)


def runs_table(site: SiteData, last: int = 8) -> str:
    """The latest runs' main figures, newest first."""

    def share(run: Run, name: str) -> str:
        value = ((run.health or {}).get("coverage") or {}).get(name)
        return "-" if value is None else f"{value:.0%}"

    rows = []
    for run in reversed(site.runs[-last:]):
        health = run.health or {}
        median = (health.get("body_length") or {}).get("median")
        generic = (health.get("body_sources") or {}).get("generic", 0.0) if run.records else None
        rows.append(
            [
                f'<span class="ltr">{run.started:%Y-%m-%d %H:%M}</span>',
                f"<span class={_e(run.outcome)}>{_e(run.outcome)}</span>",
                str(run.records),
                share(run, "date"),
                share(run, "authors"),
                "-" if median is None else str(median),
                "-" if generic is None else f"{generic:.0%}",
            ]
        )
    headers = ["التشغيل", "النتيجة", "السجلات", "بتاريخ", "بكاتب", "وسيط طول النص", "احتياطي عام"]
    return _table(headers, rows)


def site_section(site: SiteData) -> str:
    last = site.runs[-1]
    parts = [
        f'<section class="site" id="site-{_slug(site.name)}" data-site="{_e(site.name)}">',
        f'<h2>الموقع: <span class="ltr">{_e(site.name)}</span></h2>',
        f"<p>{len(site.runs)} تشغيل، آخرها <span class=ltr>{last.started:%Y-%m-%d %H:%M}</span>"
        f" UTC: {last.records} سجل، النتيجة <b class={_e(last.outcome)}>{_e(last.outcome)}</b></p>",
        "<h3>آخر التشغيلات</h3>",
        runs_table(site),
        "<h3>السجلات في كل تشغيل</h3>",
        f'<figure class="chart" data-chart="records">{chart_records(site)}</figure>',
        "<h3>اكتمال الحقول عبر الزمن</h3>",
        f'<figure class="chart" data-chart="coverage">{chart_coverage(site)}</figure>',
        "<h3>مصدر نص الخبر</h3>",
        f'<figure class="chart" data-chart="sources">{chart_sources(site)}</figure>',
        "<h3>أكثر قواعد التنظيف حذفا</h3>",
    ]
    noise = chart_noise(site)
    parts.append(
        f'<figure class="chart" data-chart="noise">{noise}</figure>'
        if noise
        else '<p class="none">لم يحذف شيء.</p>'
    )
    parts.append("<h3>مجموعات الأخبار المكررة</h3>")
    if site.clusters:
        rows = [
            [
                _e(c["title"]),
                str(c["size"]),
                "<br>".join(f'<span class="ltr">{_e(u)}</span>' for u in c["urls"]),
            ]
            for c in site.clusters
        ]
        parts.append(_table(["العنوان", "عدد النسخ", "الروابط"], rows))
    else:
        parts.append('<p class="none">لا توجد أخبار مكررة.</p>')
    parts.append("<h3>الأخطاء</h3>")
    errors: Counter[str] = Counter()
    for run in site.runs:
        errors.update(run.errors)
    if errors:
        rows = [[f'<span class="ltr">{_e(k)}</span>', str(v)] for k, v in errors.most_common()]
        parts.append(_table(["النوع", "العدد"], rows))
    else:
        parts.append('<p class="none">لا أخطاء.</p>')
    parts.append("<h3>الإنذارات والحجب</h3>")
    rows = []
    for run in reversed(site.runs):
        when = f'<span class="ltr">{run.started:%Y-%m-%d %H:%M}</span>'
        for a in run.alarms:
            rows.append([when, f'<span class="ltr alarm">{_e(a["name"])}</span>', _e(a["message"])])
        for reason in run.blocked_reasons:
            rows.append([when, '<span class="ltr blocked">blocked</span>', _e(reason)])
    if rows:
        parts.append(_table(["التشغيل", "الإنذار", "التفاصيل"], rows))
    else:
        parts.append('<p class="none">لا إنذارات.</p>')
    parts.append("</section>")
    return "\n".join(parts)


def render(sites: list[SiteData], source: Path, generated: datetime) -> str:
    toc = "".join(
        f'<li><a href="#site-{_slug(s.name)}" class="ltr">{_e(s.name)}</a> '
        f"<span class={_e(s.runs[-1].outcome)}>({_e(s.runs[-1].outcome)})</span></li>"
        for s in sites
    )
    body = "\n".join(site_section(s) for s in sites) or "<p>لا توجد تقارير تشغيل.</p>"
    return (
        '<!DOCTYPE html>\n<html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>تقرير الزاحف: {len(sites)} مواقع</title><style>{STYLE}</style></head><body>"
        f"<h1>تقرير حالة الزاحف</h1><p>من تقارير التشغيل في "
        f'<span class="ltr">{_e(source)}</span>، أنشئ في '
        f'<span class="ltr">{generated:%Y-%m-%d %H:%M} UTC</span></p>'
        f"<ul>{toc}</ul>{body}</body></html>\n"
    )
