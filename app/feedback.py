"""👍/👎 on answers, kept as JSON lines under the data directory, and exported for review.

One line per rating with the question, the answer and its citations exactly as
shown, so the desk can review bad answers later; `as_question` turns a line
into the evaluation format of tests/data/dev.jsonl, answer and evidence left
empty for a person to fill in.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from rag import texts
from rag.errors import InputError

RATINGS = ("up", "down")
MAX_COMMENT = 1000


@dataclass(frozen=True)
class FeedbackCitation:
    n: int
    doc_id: str
    title: str
    section: str
    start: int
    end: int


@dataclass(frozen=True)
class Feedback:
    rating: str
    question: str
    answer: str
    citations: tuple[FeedbackCitation, ...] = ()
    comment: str = ""
    created: str = ""


def checked(feedback: Feedback, now: datetime | None = None) -> Feedback:
    if feedback.rating not in RATINGS:
        raise InputError(texts.FEEDBACK_BAD_RATING)
    if len(feedback.comment) > MAX_COMMENT:
        raise InputError(texts.FEEDBACK_TOO_LONG.format(length=len(feedback.comment), limit=MAX_COMMENT))
    if not feedback.question.strip():
        raise InputError(texts.EMPTY_QUESTION)
    created = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    return Feedback(feedback.rating, feedback.question.strip(), feedback.answer, feedback.citations,
                    feedback.comment.strip(), created)


class FeedbackStore:
    """Appends under a lock: each rating is one whole line, even with several requests at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def add(self, feedback: Feedback) -> Feedback:
        row = checked(feedback)
        line = json.dumps(asdict(row), ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line)
        return row

    def rows(self) -> Iterator[dict[str, object]]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    try:
                        yield json.loads(line)
                    except ValueError:  # a line cut short by a crash: the others still count
                        continue


def as_question(row: dict[str, object], number: int) -> dict[str, object]:
    """A dev.jsonl record to complete: the question asked, the cited document, the rating as a note."""
    citations: Sequence[dict[str, object]] = row.get("citations") or []  # type: ignore[assignment]
    note = f"feedback {row.get('rating', '')} {row.get('created', '')}: {row.get('comment', '')}".strip()
    return {"id": f"fb-{number:03d}", "question": row.get("question", ""), "answer": "", "evidence": "",
            "doc": citations[0].get("doc_id", "") if citations else "", "type": "", "note": note}
