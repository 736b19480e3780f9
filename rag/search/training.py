"""Fitting the statute reranker: a listwise (softmax) model, and ranking metrics to choose by.

Each training question contributes its candidates' feature rows and which of
them are gold. The loss is the cross-entropy between the softmax of the scores
over a question's candidates and the gold articles (shared equally), so the
model learns to put a gold article above the other candidates of the same
question, which is what ranking needs, rather than to score articles in absolute
terms. Optimised with Adam; L2 on the weights. Linear, or with a small hidden layer
(Ranker), as `lawqa learn` chooses by cross-validation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rag.search.lawmodel import Ranker, law_key

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Group:
    """One question: its candidates' features, which are gold, and each candidate's article key."""

    features: FloatArray
    gold: npt.NDArray[np.bool_]
    keys: tuple[str, ...]


def citation_counts(answers: Iterable[Iterable[str]]) -> tuple[dict[str, float], dict[str, float]]:
    """How many questions cite each law and each article (article keys in, once per question)."""
    laws: Counter[str] = Counter()
    articles: Counter[str] = Counter()
    for keys in answers:
        unique = set(keys)
        articles.update(unique)
        laws.update({law_key(k) for k in unique})
    return {k: float(v) for k, v in laws.items()}, {k: float(v) for k, v in articles.items()}


def fit_ranker(groups: Sequence[Group], names: Sequence[str], l2: float, hidden: int = 0, steps: int = 600
               ) -> Ranker:
    """The listwise fit over all questions at once; `hidden` tanh units beside the linear part (0: linear).
    The units start from small random weights with a fixed seed, so the same data gives the same model."""
    usable = [g for g in groups if g.gold.any()]
    stacked = np.vstack([g.features for g in usable]).astype(np.float64)
    mean, scale = stacked.mean(axis=0), stacked.std(axis=0) + 1e-6
    features = (stacked - mean) / scale
    lists = _Lists([len(g.keys) for g in usable], np.concatenate([g.gold / g.gold.sum() for g in usable]))
    rng = np.random.default_rng(0)
    width = features.shape[1]
    params = {"weights": np.zeros(width), "hidden": rng.normal(0.0, 0.3, (width, hidden)),
              "hidden_bias": np.zeros(hidden), "output": rng.normal(0.0, 0.1, hidden)}
    first = {k: np.zeros_like(v) for k, v in params.items()}
    second = {k: np.zeros_like(v) for k, v in params.items()}
    for step in range(1, steps + 1):
        units = np.tanh(features @ params["hidden"] + params["hidden_bias"])
        scores = features @ params["weights"] + units @ params["output"]
        slope = (lists.softmax(scores) - lists.target) / lists.count  # d loss / d score, per candidate
        into_units = np.outer(slope, params["output"]) * (1.0 - units * units)
        gradients = {"weights": features.T @ slope + l2 * params["weights"],
                     "hidden": features.T @ into_units + l2 * params["hidden"],
                     "hidden_bias": into_units.sum(axis=0), "output": units.T @ slope + l2 * params["output"]}
        for key, gradient in gradients.items():  # Adam
            first[key] = 0.9 * first[key] + 0.1 * gradient
            second[key] = 0.999 * second[key] + 0.001 * gradient * gradient
            params[key] -= 0.03 * (first[key] / (1 - 0.9**step)) / (np.sqrt(second[key] / (1 - 0.999**step)) + 1e-8)
    floats = {k: tuple(map(float, v)) for k, v in params.items() if k != "hidden"}
    return Ranker(tuple(names), tuple(map(float, mean)), tuple(map(float, scale)), floats["weights"],
                  tuple(tuple(map(float, row)) for row in params["hidden"]) if hidden else (),
                  floats["hidden_bias"], floats["output"])


class _Lists:
    """The candidates of all questions end to end; a softmax within each question's own stretch."""

    def __init__(self, sizes: Sequence[int], target: npt.NDArray[np.float64]) -> None:
        self.starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        self.owner = np.repeat(np.arange(len(sizes)), sizes)
        self.target = target  # gold share per candidate, summing to 1 per question
        self.count = len(sizes)

    def softmax(self, scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        peaks = np.maximum.reduceat(scores, self.starts)
        exps = np.exp(scores - peaks[self.owner])
        result: npt.NDArray[np.float64] = exps / np.add.reduceat(exps, self.starts)[self.owner]
        return result


def ranking_metrics(groups: Sequence[Group], ranker: Ranker) -> dict[str, float]:
    """R@1, R@5, R@10 (a gold article among the first k distinct articles) and MRR@10."""
    firsts = [_first_gold(g, ranker.score(g.features)) for g in groups]
    return {
        "recall@1": _mean([f == 1 for f in firsts]),
        "recall@5": _mean([f is not None and f <= 5 for f in firsts]),
        "recall@10": _mean([f is not None and f <= 10 for f in firsts]),
        "mrr@10": _mean([1 / f if f is not None and f <= 10 else 0.0 for f in firsts]),
        "questions": float(len(groups)),
    }


def _first_gold(group: Group, scores: FloatArray) -> int | None:
    seen: set[str] = set()
    for row in np.argsort(-scores, kind="stable"):
        if group.keys[row] in seen:
            continue
        seen.add(group.keys[row])
        if group.gold[row]:
            return len(seen)
    return None


def _mean(values: Sequence[float | bool]) -> float:
    return round(float(np.mean(values)), 4) if values else 0.0
