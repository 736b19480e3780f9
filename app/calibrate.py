"""`lawqa calibrate`: re-learn the answer model from the question files, and report it cross-validated.

Each question is searched once. Its candidate sentences, with their features and
whether each holds the gold answer, are the learning data (`rag.evaluation.learning`).
Per fold, the weights and thresholds are learned without that fold's questions, and
the fold's questions are then answered by the real answer step under them: those
held-out figures are the ones to report. The model learned on all questions is
written to `app/learned/answer_policy.json`, which the settings read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np

from app.engine import Engine
from app.learned import POLICY_PATH
from rag.answer.candidates import rank_sentences
from rag.answer.compose import PART_SHARE, STATUTE_FEATURE, AnswerOptions, AnswerPolicy
from rag.answer.features import FEATURE_NAMES
from rag.answer.model import candidate_rows
from rag.answer.question import analyse
from rag.evaluation.learning import Learned, Outcome, Rates, Sample, learn, learn_statute_gate, rates
from rag.evaluation.scoring import Question, load_questions
from rag.text.normalize import fold
from rag.types import Hit

TOPIC_CONFIDENCE = 0.03  # below this, not even the topic was found: "未在资料中找到" rather than a partial answer


@dataclass(frozen=True)
class Trial:
    question: Question
    hits: list[Hit]
    sample: Sample


def fold_of(question_id: str, folds: int) -> int:
    """A fixed, content-independent fold for each question id."""
    return int(hashlib.sha256(question_id.encode()).hexdigest(), 16) % folds


def trials(engine: Engine, files: list[Path], collections: list[str] | None) -> list[Trial]:
    """Every question searched once over `collections` (None: every loaded one, as the service does)."""
    return [_trial(engine, q, collections) for path in files for q in load_questions(path)]


def _trial(engine: Engine, q: Question, collections: list[str] | None) -> Trial:
    hits = engine.search(q.question, top_k=5, collections=collections)
    question = q.question.strip()
    asked = analyse(question)
    read = hits[: AnswerOptions().passages_read]
    scorer = engine.scorer_for(hits)
    found = rank_sentences(question, asked, read, engine.metas, scorer, engine.places)
    rows, _ = candidate_rows(found, question, asked, read, engine.metas, scorer)
    gold = fold(q.answer)
    features = np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))
    sample = Sample(
        q.id, q.answerable, features,
        np.array([bool(gold) and gold in fold(c.sentence) for c in found.candidates], dtype=bool),
        np.array([c.focus for c in found.candidates], dtype=np.float64),
        np.array([not asked.wants_item or asked.kind == "entity" for c in found.candidates], dtype=bool),
        np.array([not asked.wants_item or (c.item is not None and not (asked.part and c.focus < PART_SHARE))
                  for c in found.candidates], dtype=bool),
    )
    return Trial(q, hits, sample)


def policy_of(learned: Learned) -> AnswerPolicy:
    return AnswerPolicy(TOPIC_CONFIDENCE, learned.focus, learned.ranker, learned.gate, learned.threshold,
                        learned.statute_gate, learned.statute_threshold)


def learn_both(reports: list[Sample], statutes: list[Sample], max_wrong: float, statute_max_wrong: float) -> Learned:
    """The report model, then the statute gate beside it (when there are statute questions)."""
    learned = learn(reports, max_wrong)
    return learn_statute_gate(statutes, learned, statute_max_wrong, STATUTE_FEATURE) if statutes else learned


def answered(engine: Engine, trial: Trial, policy: AnswerPolicy) -> Outcome:
    """The real answer step's decision on a question, under `policy`."""
    answer = engine.compose(trial.question.question.strip(), trial.hits, engine.settings.mode, policy=policy)
    q = trial.question
    return Outcome(answer.abstained, q.answerable and not answer.abstained and fold(q.answer) in fold(answer.text))


def cross_validate(engine: Engine, found: list[Trial], statutes: list[Trial], folds: int, max_wrong: float,
                   statute_max_wrong: float) -> tuple[Rates, Rates, list[Learned]]:
    """Held-out rates on the report questions and on the statute questions, and each fold's model."""
    outcomes: dict[str, Outcome] = {}
    chosen = []
    for k in range(folds):
        def train(trials: list[Trial], k: int = k) -> list[Sample]:
            return [t.sample for t in trials if fold_of(t.question.id, folds) != k]

        learned = learn_both(train(found), train(statutes), max_wrong, statute_max_wrong)
        chosen.append(learned)
        for t in found + statutes:
            if fold_of(t.question.id, folds) == k:
                outcomes[t.question.id] = answered(engine, t, policy_of(learned))

    def held_out(trials: list[Trial]) -> Rates:
        return rates([t.sample for t in trials], [outcomes[t.question.id] for t in trials])

    return held_out(found), held_out(statutes), chosen


def calibrate(engine: Engine, files: list[Path], collections: list[str] | None, *, folds: int, max_wrong: float,
              write: bool, statute_files: list[Path] | None = None, statute_max_wrong: float = 0.10,
              ) -> dict[str, object]:
    """`statute_files` are lay questions over the laws, searched as the service searches (every collection)."""
    found = trials(engine, files, collections)
    statutes = trials(engine, statute_files, None) if statute_files else []
    held_out, held_out_statutes, per_fold = cross_validate(engine, found, statutes, folds, max_wrong,
                                                           statute_max_wrong)
    final = learn_both([t.sample for t in found], [t.sample for t in statutes], max_wrong, statute_max_wrong)
    in_sample = rates([t.sample for t in found], [answered(engine, t, policy_of(final)) for t in found])
    report: dict[str, object] = {
        "policy": asdict(policy_of(final)),
        "features": list(FEATURE_NAMES),
        "cross_validated": asdict(held_out),
        "cross_validated_statutes": asdict(held_out_statutes) if statutes else None,
        "statute_questions": [p.name for p in statute_files or []],
        "in_sample": asdict(in_sample),
        "per_fold": [{"threshold": p.threshold, "focus": p.focus, "statute_threshold": p.statute_threshold}
                     for p in per_fold],
        "method": f"{folds}-fold cross-validation by question id over {', '.join(p.name for p in files)}; "
                  f"per fold, logistic weights over the candidate sentences of the training folds, then the "
                  f"threshold and focus floor abstaining on most unanswerable training questions with at most "
                  f"{max_wrong:.0%} wrong abstentions; a statute gate likewise on the statute questions "
                  f"(at most {statute_max_wrong:.0%}), searched over every collection; held-out figures from "
                  f"the real answer step",
        "collections": collections or list(engine.collections),
        "date": date.today().isoformat(),
    }
    if write:
        POLICY_PATH.parent.mkdir(parents=True, exist_ok=True)
        POLICY_PATH.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return report
