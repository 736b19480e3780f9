"""Learning the answer model: logistic weights, then the thresholds, honestly by cross-validation.

Each question contributes its candidate sentences (`Sample`): their features, whether
each holds the gold answer, and what the rule checks say of it (an item of the asked
kind, the focus share). The weights are fitted on the candidates of the training
questions (L2-regularised logistic regression, Newton steps); then the probability
threshold and the focus floor are chosen on the same training questions, as the
pair that abstains on the most unanswerable questions while wrongly abstaining on at
most `max_wrong` of the answerable ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.05, 0.96, 0.05))
FOCUS_FLOORS = (0.0, 0.1, 0.2, 0.3)
L2 = 1.0
KEEP_RATIO = 0.6  # as AnswerOptions.keep_ratio: further sentences must score this share of the best one
MAX_SENTENCES = 3


@dataclass(frozen=True)
class Sample:
    """One question's candidates, as the answer step sees them."""

    question_id: str
    answerable: bool
    features: FloatArray  # (candidates, features)
    gold: npt.NDArray[np.bool_]  # the candidate sentence holds the gold answer
    focus: FloatArray  # focus share, for the focus floor
    exempt: npt.NDArray[np.bool_]  # no item asked, or an entity name: the focus floor does not apply
    has_item: npt.NDArray[np.bool_]  # an item of the asked kind, or none is asked


@dataclass(frozen=True)
class Learned:
    ranker: tuple[float, ...]
    gate: tuple[float, ...]
    threshold: float
    focus: float
    statute_gate: tuple[float, ...] = ()
    statute_threshold: float = 0.5


@dataclass(frozen=True)
class Outcome:
    abstained: bool
    correct: bool


def fit_logistic(x: FloatArray, y: FloatArray, l2: float = L2, steps: int = 30) -> FloatArray:
    """L2-regularised logistic regression by Newton steps; column 0 is the bias, which is not shrunk."""
    w = np.zeros(x.shape[1])
    penalty = l2 * np.eye(x.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(steps):
        p = _sigmoid(x @ w)
        gradient = x.T @ (p - y) + penalty @ w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return w


def fit_ranker(samples: Sequence[Sample]) -> FloatArray:
    """Which sentence answers: the gold sentences against the others of answerable questions."""
    used = [s for s in samples if s.answerable and (s.gold & s.has_item).any()]
    x = np.vstack([s.features[s.has_item] for s in used])
    y = np.concatenate([s.gold[s.has_item] for s in used]).astype(np.float64)
    return fit_logistic(x, y)


def best(sample: Sample, ranker: FloatArray, focus: float) -> int | None:
    """The candidate the answer step would quote first: the best-ranked one passing the rule checks."""
    eligible = sample.has_item & (sample.exempt | (sample.focus >= focus))
    if not eligible.any():
        return None
    scores = np.where(eligible, sample.features @ ranker, -np.inf)
    return int(np.argmax(scores))


def fit_gate(samples: Sequence[Sample], ranker: FloatArray, focus: float) -> FloatArray:
    """Whether to answer at all: the best candidate's features, answered-right questions against unanswerable
    ones (an answerable question whose best candidate is wrong teaches nothing either way)."""
    rows, labels = [], []
    for s in samples:
        i = best(s, ranker, focus)
        if i is None or (s.answerable and not s.gold[i]):
            continue
        rows.append(s.features[i])
        labels.append(float(s.answerable))
    if not rows or len(set(labels)) < 2:
        return np.zeros(samples[0].features.shape[1])
    return fit_logistic(np.vstack(rows), np.array(labels))


def outcome(sample: Sample, model: Model, threshold: float) -> Outcome:
    """What the answer step would do: answer from the best eligible candidates, or abstain."""
    i = best(sample, model.ranker, model.focus)
    if i is None or _sigmoid(sample.features[i] @ model.gate) < threshold:
        return Outcome(True, False)
    eligible = sample.has_item & (sample.exempt | (sample.focus >= model.focus))
    p = _sigmoid(sample.features @ model.ranker)
    order = [j for j in np.argsort(-p, kind="stable") if eligible[j]][:MAX_SENTENCES]
    kept = [j for j in order if p[j] >= KEEP_RATIO * p[order[0]]]
    return Outcome(False, sample.answerable and bool(sample.gold[kept].any()))


@dataclass(frozen=True)
class Model:
    ranker: FloatArray
    gate: FloatArray
    focus: float


def _sigmoid(z: FloatArray | float) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))


@dataclass(frozen=True)
class Rates:
    abstain_unanswerable: float
    abstain_answerable: float
    answer_accuracy: float
    questions: int


def rates(samples: Sequence[Sample], outcomes: Sequence[Outcome]) -> Rates:
    answerable = [o for s, o in zip(samples, outcomes, strict=True) if s.answerable]
    unanswerable = [o for s, o in zip(samples, outcomes, strict=True) if not s.answerable]

    def share(values: list[bool]) -> float:
        return round(sum(values) / len(values), 4) if values else 0.0

    return Rates(share([o.abstained for o in unanswerable]), share([o.abstained for o in answerable]),
                 share([o.correct for o in answerable]), len(samples))


def learn(samples: Sequence[Sample], max_wrong: float) -> Learned:
    """Ranker and gate per focus floor, then the floor and threshold that suit the samples best."""
    ranker = fit_ranker(samples)
    models = [Model(ranker, fit_gate(samples, ranker, f), f) for f in FOCUS_FLOORS]

    def key(pair: tuple[Model, float]) -> tuple[bool, float, float]:
        r = rates(samples, [outcome(s, *pair) for s in samples])
        feasible = r.abstain_answerable <= max_wrong
        return feasible, r.abstain_unanswerable if feasible else -r.abstain_answerable, r.answer_accuracy

    model, threshold = max(((m, t) for m in models for t in THRESHOLDS), key=key)
    return Learned(_rounded(model.ranker), _rounded(model.gate), threshold, model.focus)


def learn_statute_gate(samples: Sequence[Sample], learned: Learned, max_wrong: float,
                       statute_column: int, inner_folds: int = 5) -> Learned:
    """A gate of its own for questions whose best sentence is from a statute, on statute questions.

    The ranker and focus floor stay those learned on the reports; the statute gate is fitted on
    the statute questions whose best candidate is an article, and its threshold chosen as for the
    reports: the most abstention on unanswerable questions with at most `max_wrong` wrong ones.
    The threshold is chosen on out-of-fold probabilities (each question scored by a gate fitted
    without it, `inner_folds` folds): a gate scores the questions it was fitted on too confidently,
    and a threshold chosen on those refused more answerable questions held out than in sample.
    """
    ranker = np.array(learned.ranker)

    def from_statute(s: Sample) -> bool:
        i = best(s, ranker, learned.focus)
        return i is not None and s.features[i, statute_column] == 1.0

    by_statute = [from_statute(s) for s in samples]
    on_statute = [i for i, yes in enumerate(by_statute) if yes]
    if not on_statute:
        return learned
    gate = fit_gate([samples[i] for i in on_statute], ranker, learned.focus)
    report = Model(ranker, np.array(learned.gate), learned.focus)
    held_out: dict[int, Model] = {}
    for fold in range(inner_folds):
        left_out = set(on_statute[fold::inner_folds])
        rest = [samples[i] for i in on_statute if i not in left_out]
        fold_gate = fit_gate(rest, ranker, learned.focus) if rest else gate
        held_out.update({i: Model(ranker, fold_gate, learned.focus) for i in left_out})
    # Questions the report gate decides do not depend on the statute threshold: decided once.
    fixed = {i: outcome(s, report, learned.threshold) for i, s in enumerate(samples) if not by_statute[i]}

    def key(threshold: float) -> tuple[bool, float, float]:
        # Where no threshold keeps within the budget (retrieval misses some articles, and abstaining there
        # is counted as wrong), the one answering most questions right, then abstaining most on the rest.
        r = rates(samples, [fixed[i] if i in fixed else outcome(s, held_out[i], threshold)
                            for i, s in enumerate(samples)])
        if r.abstain_answerable <= max_wrong:
            return True, r.abstain_unanswerable, r.answer_accuracy
        return False, r.answer_accuracy, r.abstain_unanswerable

    threshold = max(THRESHOLDS, key=key)
    return replace(learned, statute_gate=_rounded(gate), statute_threshold=threshold)


def _rounded(weights: FloatArray) -> tuple[float, ...]:
    return tuple(round(float(w), 5) for w in weights)
