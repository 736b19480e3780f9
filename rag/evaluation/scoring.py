"""Offline evaluation over a question file, with the scoring rule of the eval README.

A passage hits a question when fold(evidence) is a substring of fold(passage).
recall@k and MRR@10 are over answerable questions; abstention is reported on
unanswerable ones (abstained, good) and answerable ones (abstained, bad);
answer accuracy is the share of answered answerable questions whose answer
contains fold(answer).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.errors import InputError
from rag.text.normalize import fold
from rag.types import Answer, Hit

RECALL_AT = (1, 3, 5, 10)


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answer: str
    evidence: str
    type: str
    law: str = ""  # citizen questions over the laws: the law and articles that answer
    articles: tuple[str, ...] = ()

    @property
    def answerable(self) -> bool:
        return bool(self.evidence)


@dataclass(frozen=True)
class Outcome:
    question: Question
    passages: tuple[str, ...]
    first_hit: int | None  # 1-based rank of the first passage holding the evidence
    abstained: bool
    answer: str
    correct: bool
    search_ms: float
    spans: tuple[str, ...] = ()  # the exact answer items the answer marks, as text


SPAN_TYPES = ("number", "date", "entity")  # question types whose answer is one item a span can mark


def load_questions(path: Path) -> list[Question]:
    if not path.exists():
        raise InputError(f"{path}：问题文件不存在")
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            questions.append(Question(row["id"], row["question"], row.get("answer", ""),
                                      row.get("evidence", ""), row.get("type", ""), row.get("law", ""),
                                      tuple(row.get("articles", ()))))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{number}：不是问题记录（{exc}），格式见 tests/data/dev.jsonl") from exc
    if not questions:
        raise InputError(f"{path}：文件中没有问题")
    return questions


def run_question(
    q: Question, search: Callable[[str], list[Hit]], answer: Callable[[str, list[Hit]], Answer]
) -> Outcome:
    started = time.perf_counter()
    hits = search(q.question)
    search_ms = (time.perf_counter() - started) * 1000
    result = answer(q.question, hits)
    passages = tuple(h.chunk.text for h in hits)
    first = first_hit(q.evidence, passages)
    correct = q.answerable and not result.abstained and fold(q.answer) in fold(result.text)
    return Outcome(q, passages, first, result.abstained, result.text, correct, search_ms, span_texts(result))


def first_hit(evidence: str, passages: Sequence[str]) -> int | None:
    """The 1-based rank of the first passage holding the evidence (the scoring rule above), None if none does."""
    wanted = fold(evidence)
    return next((i for i, p in enumerate(passages, 1) if wanted and wanted in fold(p)), None)


def span_texts(answer: Answer) -> tuple[str, ...]:
    """The text of each answer span, read back from its passage through the source offsets."""
    found = []
    for citation in answer.citations:
        chunk = citation.hit.chunk
        for start, end in citation.spans:
            first, last = chunk.text_offset(start), chunk.text_offset(end - 1)
            if first is not None and last is not None:
                found.append(chunk.text[first:last + 1])
    return tuple(found)


def span_covers(outcome: Outcome) -> bool:
    """A span covers the gold answer when it holds it, or lies inside it with every digit of it
    ("第六" for "全省第六", "2386万人次" for "2386万人次观看")."""
    gold = fold(outcome.question.answer)
    digits = [ch for ch in gold if ch.isdigit()]
    return any(gold in fold(span) or (fold(span) in gold and [ch for ch in fold(span) if ch.isdigit()] == digits)
               for span in outcome.spans)


def metrics(outcomes: Sequence[Outcome]) -> dict[str, object]:
    answerable = [o for o in outcomes if o.question.answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    latency = np.array([o.search_ms for o in outcomes])
    by_type: dict[str, list[Outcome]] = defaultdict(list)
    for o in answerable:
        by_type[o.question.type].append(o)
    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        **{f"recall@{k}": _recall(answerable, k) for k in RECALL_AT},
        "mrr@10": _mean([1 / o.first_hit if o.first_hit and o.first_hit <= 10 else 0.0 for o in answerable]),
        "abstain_unanswerable": _mean([o.abstained for o in unanswerable]),
        "abstain_answerable": _mean([o.abstained for o in answerable]),
        "answer_accuracy": _mean([o.correct for o in answerable]),
        # Of the answered number/date/entity questions, the share whose marked answer span covers the gold answer.
        "span_coverage": _mean([span_covers(o) for o in answerable
                                if not o.abstained and o.question.type in SPAN_TYPES]),
        "recall@5_by_type": {t: _recall(group, 5) for t, group in sorted(by_type.items())},
        "search_ms_p50": round(float(np.percentile(latency, 50)), 2),
        "search_ms_p95": round(float(np.percentile(latency, 95)), 2),
    }


def _recall(outcomes: Sequence[Outcome], k: int) -> float:
    return _mean([o.first_hit is not None and o.first_hit <= k for o in outcomes])


def _mean(values: Sequence[float | bool]) -> float:
    return round(float(np.mean(values)), 4) if values else 0.0
