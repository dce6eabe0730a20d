"""Noise corpus score: the noise lines the cleaner leaked and the content lines it lost, per rule.

Run from the repository root: ``.venv/bin/python bench/noise.py [CASES.json]``. Each case's output
is compared with its expected text line by line (as multisets): a line in the output that is not
expected leaked, an expected line missing from the output was lost.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from crawler.sites import get as get_site  # noqa: E402
from pipelines.clean import clean_text, readable_line, rules_for  # noqa: E402

CASES = ROOT / "tests" / "noise" / "cases.json"

Cleaner = Callable[[dict[str, Any]], str]


def load_cases(path: Path = CASES) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))


def case_input(case: dict[str, Any]) -> str:
    return "\n".join(case["input"])


def run_case(case: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    """The cleaner's output and removals for one case, with its site's rules."""
    site = get_site(case["site"]) if case.get("site") else None
    return clean_text(case_input(case), rules_for(site))


@dataclass
class Score:
    cases: int = 0
    noise_lines: int = 0
    content_lines: int = 0
    leaked: int = 0
    lost: int = 0
    failed: list[str] = field(default_factory=list)
    by_rule: dict[str, Counter[str]] = field(default_factory=dict)


def _lines(text: str) -> Counter[str]:
    return Counter(line for line in text.split("\n") if line)


def evaluate(cases: list[dict[str, Any]], cleaner: Cleaner | None = None) -> Score:
    """Score ``cleaner`` (the project's by default) over the corpus."""
    score = Score()
    for case in cases:
        output = cleaner(case) if cleaner else run_case(case)[0]
        expected = Counter(case["expected"])
        given = Counter(r for r in (readable_line(x) for x in case["input"]) if r)
        got = _lines(output)
        noise = sum((given - expected).values())
        leaked = sum((got - expected).values())
        lost = sum((expected - got).values())
        score.cases += 1
        score.noise_lines += noise
        score.content_lines += sum(expected.values())
        score.leaked += leaked
        score.lost += lost
        if leaked or lost:
            score.failed.append(case["name"])
        tally = score.by_rule.setdefault(case["rule"], Counter())
        tally.update(
            {case["kind"]: 1, "noise": noise, "leaked": leaked, "lost": lost, "content": 0}
        )
        tally["content"] += sum(expected.values())
    return score


def report(score: Score) -> str:
    rows = [f"{'rule':<16}{'fire':>5}{'trap':>5}{'noise':>7}{'leaked':>8}{'content':>9}{'lost':>6}"]
    for rule in sorted(score.by_rule):
        t = score.by_rule[rule]
        rows.append(
            f"{rule:<16}{t['fire']:>5}{t['trap']:>5}{t['noise']:>7}{t['leaked']:>8}"
            f"{t['content']:>9}{t['lost']:>6}"
        )
    rows.append(
        f"cases: {score.cases}; noise lines: {score.noise_lines}, leaked: {score.leaked}; "
        f"content lines: {score.content_lines}, lost: {score.lost}"
    )
    if score.failed:
        rows.append("failed cases: " + ", ".join(score.failed))
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    score = evaluate(load_cases(Path(argv[0]) if argv else CASES))
    print(report(score))
    return 1 if score.leaked or score.lost else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
