"""The citizen question files are checked against the law texts they quote, so a figure measured on them
means what it says: each answerable question's evidence and answer lie inside the named article of the
newest version of the named law in laws/national."""

from __future__ import annotations

import json
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from rag.ingest.lawindex import split_version
from rag.ingest.statutes import parse_statute

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = ROOT / "laws" / "national"
FILES = ("laws_citizen.jsonl", "laws_citizen_b.jsonl", "laws_citizen_c.jsonl", "laws_citizen_d.jsonl",
         "laws_citizen_e.jsonl", "laws_citizen_f.jsonl", "laws_citizen_g.jsonl", "laws_citizen_h.jsonl",
         "laws_citizen_k.jsonl", "laws_citizen_l.jsonl", "laws_citizen_m.jsonl")


@cache
def _articles(law: str) -> dict[str, str]:
    """Article number -> text of the newest version of `law`, cut by the product's own statute parser
    ("名称(YYYY-MM-DD).md" files; 民法典 is a folder of its parts, each undated)."""
    versions = sorted(p for p in NATIONAL.glob("*/*.md") if split_version(p.stem)[0] == law)
    files = versions[-1:] or sorted((NATIONAL / law).glob("*.md"))
    texts: dict[str, str] = defaultdict(str)
    for path in files:
        for chunk in parse_statute(path)[1]:
            texts[chunk.label.split()[-1]] += chunk.text  # long articles come in parts
    return texts


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
        articles = [_articles(str(row["law"])).get(str(number), "") for number in numbers]
        if not any(str(row["evidence"]) in a and str(row["answer"]) in a for a in articles):
            wrong.append(row["id"])
    assert not wrong


@pytest.mark.parametrize("name", FILES)
def test_ids_are_unique_and_unanswerable_ones_name_no_article(name: str) -> None:
    rows = _rows(name)
    assert len({row["id"] for row in rows}) == len(rows)
    assert all(not row["articles"] for row in rows if row["type"] == "unanswerable")
