"""STARD's train split, read for `lawqa learn` (../shared/external/stard, see its SOURCE.md).

Only the official train split is read here: the dev split is kept for measuring
(bench/stard.py). Gold answers are article names ("中华人民共和国民法典第五十四条"),
compared with the product's chunk labels by `article_key`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from rag import texts
from rag.errors import InputError
from rag.evaluation.scoring import load_questions
from rag.search.lawmodel import article_key

DEFAULT_STARD = Path("../shared/external/stard")


@dataclass(frozen=True)
class TrainQuestion:
    qid: int
    text: str
    gold: frozenset[str]  # article keys


def lay_questions(paths: list[Path]) -> tuple[list[TrainQuestion], str]:
    """Citizen questions over the national laws (tests/data/laws_citizen*.jsonl: "law" and "articles"), as
    train questions with negative ids, and a hash of what was read. Unanswerable ones are left out."""
    questions: list[TrainQuestion] = []
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
        for row in load_questions(path):
            if row.articles:
                gold = frozenset(article_key(f"{row.law}{article}") for article in row.articles)
                questions.append(TrainQuestion(-1 - len(questions), row.question, gold))
    return questions, digest.hexdigest()


def split_ids(data: Path, split: str) -> list[int]:
    path = data / "data" / "example" / f"{split}.query.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [int(line.split("\t", 1)[0]) for line in lines if line.strip()]


def read_split(data: Path, split: str) -> tuple[list[TrainQuestion], str]:
    """The questions of one official split, and a hash of what was read (for the model's manifest)."""
    queries = data / "data" / "queries.json"
    if not queries.exists():
        raise InputError(texts.STARD_MISSING.format(path=queries))
    raw = queries.read_bytes()
    by_id = {row["query_id"]: row for row in json.loads(raw.decode("utf-8"))}
    ids = split_ids(data, split)
    questions = [TrainQuestion(i, by_id[i]["问题"], frozenset(article_key(n) for n in by_id[i]["match_name"]))
                 for i in ids]
    digest = hashlib.sha256(raw + json.dumps(ids).encode()).hexdigest()
    return questions, digest
