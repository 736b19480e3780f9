"""The citizen targets of the national laws, asked over HTTP as a desk's users ask: POST /api/answer.

Method: each question of the files goes once, with nothing but the question, to the default service
(seeds and national laws, every collection searched); either a server you name with --url, or one
started here on a free loopback port (`uvicorn app.server:app_from_env`, the index on disk). Scored
as `lawqa eval` scores, on what the response holds:
- first citation: the evidence string lies in the first cited passage (answerable questions). Citations are
  numbered as the answer reads, so [1] is what the answer quotes first; `lawqa eval`'s recall@1 scores the
  first search hit instead, and the two differ by a question or two;
- among five: it lies in one of the (at most five) cited passages;
- abstention: `abstained` on the questions no national law answers; wrong abstention, on the others.
Targets (issue "national laws"): first citation >= 0.50, among five >= 0.75, abstention >= 0.60,
wrong abstention <= 0.10. Run after `make index`:
`python -m bench.citizens tests/data/laws_citizen_m.jsonl [--url http://127.0.0.1:8000]`.
"""

from __future__ import annotations

import argparse
import json
import platform
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.httpload import own_server
from rag.evaluation.scoring import Question, first_hit, load_questions

TARGETS = {"first_citation": (0.50, ">="), "among_five": (0.75, ">="), "abstain_unanswerable": (0.60, ">="),
           "abstain_answerable": (0.10, "<=")}


@dataclass(frozen=True)
class Asked:
    question: Question
    rank: int | None  # of the first cited passage holding the evidence
    abstained: bool


def ask_all(url: str, questions: list[Question]) -> list[Asked]:
    asked = []
    with httpx.Client(base_url=url, timeout=60) as client:
        for q in questions:
            response = client.post("/api/answer", json={"question": q.question})
            response.raise_for_status()
            body = response.json()
            passages = [citation["text"] for citation in body["citations"]]
            asked.append(Asked(q, first_hit(q.evidence, passages) if q.answerable else None, body["abstained"]))
    return asked


def figures(asked: list[Asked]) -> dict[str, float]:
    answerable = [a for a in asked if a.question.answerable]
    unanswerable = [a for a in asked if not a.question.answerable]

    def share(rows: list[Asked], test: Callable[[Asked], bool]) -> float:
        return round(sum(1 for a in rows if test(a)) / len(rows), 4) if rows else 0.0

    return {"first_citation": share(answerable, lambda a: a.rank == 1),
            "among_five": share(answerable, lambda a: a.rank is not None and a.rank <= 5),
            "abstain_unanswerable": share(unanswerable, lambda a: a.abstained),
            "abstain_answerable": share(answerable, lambda a: a.abstained),
            "answerable": len(answerable), "unanswerable": len(unanswerable)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path, help="question files (JSONL: tests/data/laws_citizen_*.jsonl)")
    parser.add_argument("--url", help="a running service (default: start one here over the index on disk)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of all figures")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with (nullcontext((args.url, None)) if args.url else own_server()) as (url, _):
        for path in args.files:
            results[path.name] = figures(ask_all(url, load_questions(path)))
    print(f"POST /api/answer, one question at a time, on {platform.machine()}; {url}")
    print(f"{'file':<26}" + "".join(f"{name:>22}" for name in TARGETS))
    for name, row in results.items():
        print(f"{name:<26}" + "".join(f"{row[key]:>22.3f}" for key in TARGETS))
    print(f"{'target':<26}" + "".join(f"{sign + ' ' + format(value, '.2f'):>22}" for value, sign in TARGETS.values()))
    if args.json:
        print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
