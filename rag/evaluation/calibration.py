"""Choosing the answer step's thresholds honestly: by cross-validation over question files.

Every question is answered once per candidate policy (a grid of confidence and
focus thresholds); what is recorded is whether it abstained and, if answerable,
whether the answer held the gold answer. A policy is chosen on training folds as
the one that abstains on the most unanswerable questions while wrongly
abstaining on at most `max_wrong` of the answerable ones (ties: fewer wrong
abstentions, then more correct answers). The reported figures are those of each
held-out fold under the policy chosen without it, so they estimate how the
thresholds do on questions they were not fitted to.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer.compose import AnswerPolicy
from rag.evaluation.scoring import Question


@dataclass(frozen=True)
class Decision:
    abstained: bool
    correct: bool  # answerable, answered, and the answer holds the gold answer


@dataclass(frozen=True)
class Trial:
    question: Question
    decisions: dict[AnswerPolicy, Decision]


@dataclass(frozen=True)
class Rates:
    abstain_unanswerable: float
    abstain_answerable: float
    answer_accuracy: float
    questions: int


def rates(trials: Sequence[Trial], policy_of: dict[str, AnswerPolicy]) -> Rates:
    """Rates when question q is answered under policy_of[q.id]."""
    answerable = [t for t in trials if t.question.answerable]
    unanswerable = [t for t in trials if not t.question.answerable]

    def share(group: Sequence[Trial], test: str) -> float:
        values = [getattr(t.decisions[policy_of[t.question.id]], test) for t in group]
        return round(sum(values) / len(values), 4) if values else 0.0

    return Rates(share(unanswerable, "abstained"), share(answerable, "abstained"), share(answerable, "correct"),
                 len(trials))


def choose(trials: Sequence[Trial], grid: Sequence[AnswerPolicy], max_wrong: float) -> AnswerPolicy:
    def key(policy: AnswerPolicy) -> tuple[bool, float, float, float]:
        r = rates(trials, dict.fromkeys((t.question.id for t in trials), policy))
        return (r.abstain_answerable <= max_wrong, r.abstain_unanswerable, -r.abstain_answerable, r.answer_accuracy)

    return max(grid, key=key)


def fold_of(question_id: str, folds: int) -> int:
    """A fixed, content-independent fold for each question id."""
    return int(hashlib.sha256(question_id.encode()).hexdigest(), 16) % folds


def cross_validate(trials: Sequence[Trial], grid: Sequence[AnswerPolicy], *, folds: int = 5,
                   max_wrong: float = 0.02) -> tuple[Rates, list[AnswerPolicy]]:
    """Held-out rates over all folds, and the policy each fold chose from the others."""
    policy_of: dict[str, AnswerPolicy] = {}
    chosen = []
    for fold in range(folds):
        train = [t for t in trials if fold_of(t.question.id, folds) != fold]
        policy = choose(train, grid, max_wrong)
        chosen.append(policy)
        policy_of.update((t.question.id, policy) for t in trials if fold_of(t.question.id, folds) == fold)
    return rates(trials, policy_of), chosen
