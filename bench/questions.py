"""Question sets for the load benchmarks: distinct real questions, so a query cache never helps by accident.

The pool is every question of the test files (tests/data) and, where ../shared is present, the
1,543 STARD questions written by non-lawyers, deduplicated. Without STARD the test questions are
repeated with a numbered prefix ("第7问：…"), which the encoder still has to encode afresh.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_FILES = ("dev.jsonl", "laws_citizen.jsonl", "seeds_questions.jsonl", "calibration.jsonl")
STARD = ROOT.parent / "shared" / "external" / "stard" / "data" / "queries.json"


def test_questions() -> list[str]:
    rows: list[str] = []
    for name in TEST_FILES:
        path = ROOT / "tests" / "data" / name
        if path.exists():
            rows += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    return list(dict.fromkeys(rows))


def unique_questions(count: int) -> list[str]:
    """`count` distinct questions (real ones first)."""
    pool = test_questions()
    if STARD.exists():
        pool += [str(row["问题"]).strip() for row in json.loads(STARD.read_text(encoding="utf-8"))]
    pool = [q for q in dict.fromkeys(pool) if q and len(q) <= 2000]
    if count <= len(pool):
        return pool[:count]
    numbered = (f"第{n}问：{q}" for n in itertools.count(1) for q in pool)
    return pool + list(itertools.islice(numbered, count - len(pool)))
