"""Calibrating the abstention threshold on question files with known answerability.

Method: answer every question with abstention switched off (threshold 0) and
record the answer's confidence (see rag/answer/evidence.py). A question whose
confidence is 0 is refused by a hard rule (a year it names is in no
candidate sentence). Among thresholds, take those that wrongly abstain on at
most `--max-wrong` of the answerable questions and, of those, the one that
abstains on the most unanswerable ones; the threshold is placed midway in the
gap between the two neighbouring confidences, so it is not fitted to a single
question. Default data: tests/data/dev.jsonl and tests/data/calibration.jsonl
(the latter written for this purpose, separate from dev).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.config import Settings
from app.engine import load_engine
from rag.evaluation.scoring import Question, load_questions

ROOT = Path(__file__).resolve().parent.parent


def confidences(files: list[str]) -> list[tuple[float, Question]]:
    settings = Settings.from_env().model_copy(update={"abstain_threshold": 0.0})
    engine = load_engine(settings)
    pairs = []
    for path in files:
        for q in load_questions(Path(path)):  # the questions are about the default collection
            pairs.append((engine.answer(q.question, collections=[settings.collection]).confidence, q))
    return pairs


def choose(pairs: list[tuple[float, Question]], max_wrong: float) -> tuple[float, float, float]:
    answerable = sorted(c for c, q in pairs if q.answerable)
    unanswerable = sorted(c for c, q in pairs if not q.answerable)
    allowed = int(max_wrong * len(answerable))
    ceiling = answerable[allowed]  # thresholds at or below this keep the wrong abstentions within budget
    below = max([c for c in answerable + unanswerable if c < ceiling], default=0.0)
    threshold = (below + ceiling) / 2
    wrong = sum(c < threshold for c in answerable) / len(answerable)
    caught = sum(c < threshold for c in unanswerable) / len(unanswerable)
    return round(threshold, 4), wrong, caught


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", default=[str(ROOT / "tests/data/dev.jsonl"),
                                                     str(ROOT / "tests/data/calibration.jsonl")])
    parser.add_argument("--max-wrong", type=float, default=0.0)
    args = parser.parse_args()
    pairs = confidences(args.files)
    for confidence, q in sorted(pairs, key=lambda p: p[0]):
        print(f"{confidence:.3f}  {'answerable  ' if q.answerable else 'UNANSWERABLE'}  {q.id}  {q.question}")
    threshold, wrong, caught = choose(pairs, args.max_wrong)
    print(f"\nthreshold {threshold}: abstains on {caught:.0%} of unanswerable, "
          f"wrongly on {wrong:.0%} of answerable ({len(pairs)} questions)")
    print(f"set it with LAWQA_ABSTAIN_THRESHOLD={threshold} (default in app/config.py)")


if __name__ == "__main__":
    main()
