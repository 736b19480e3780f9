"""The citizen question files are checked against the law texts they quote, so a figure measured on them
means what it says: each answerable question's evidence and answer lie inside the named article of the
newest version of the named law in laws/national."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = ROOT / "laws" / "national"
FILES = ("laws_citizen.jsonl", "laws_citizen_b.jsonl")
_NEXT_ARTICLE = r"(?=^第[一二三四五六七八九十百千零]+条(?:之[一二三四五六七八九十])?\s|\Z)"


def _newest_text(law: str) -> str:
    """The newest version's text: files are "名称(YYYY-MM-DD).md"; 民法典 is a folder of its parts."""
    versions = sorted(NATIONAL.glob(f"*/{law}(*).md"))
    if versions:
        return versions[-1].read_text(encoding="utf-8")
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((NATIONAL / law).glob("*.md")))


def _article(text: str, number: str) -> str:
    match = re.search(rf"^{number}\s.*?{_NEXT_ARTICLE}", text, re.S | re.M)
    return match.group(0) if match else ""


def _rows(name: str) -> list[dict[str, object]]:
    lines = (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize("name", FILES)
def test_evidence_and_answer_lie_in_the_named_article(name: str) -> None:
    wrong = []
    for row in _rows(name):
        if not row["evidence"]:
            continue
        numbers = row["articles"]
        assert isinstance(numbers, list)
        articles = [_article(_newest_text(str(row["law"])), str(number)) for number in numbers]
        if not any(str(row["evidence"]) in a and str(row["answer"]) in a for a in articles):
            wrong.append(row["id"])
    assert not wrong


@pytest.mark.parametrize("name", FILES)
def test_ids_are_unique_and_unanswerable_ones_name_no_article(name: str) -> None:
    rows = _rows(name)
    assert len({row["id"] for row in rows}) == len(rows)
    assert all(not row["articles"] for row in rows if row["type"] == "unanswerable")
