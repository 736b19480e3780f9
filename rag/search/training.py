"""Fitting the statute reranker: a listwise (softmax) linear model, and ranking metrics to choose by.

Each training question contributes its candidates' feature rows and which of
them are gold. The loss is the cross-entropy between the softmax of the scores
over a question's candidates and the gold articles (shared equally), so the
model learns to put a gold article above the other candidates of the same
question, which is what ranking needs, rather than to score articles in absolute
terms. Optimised with Adam; L2 on the weights.
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


def fit_ranker(groups: Sequence[Group], names: Sequence[str], l2: float, steps: int = 400) -> Ranker:
    usable = [g for g in groups if g.gold.any()]
    stacked = np.vstack([g.features for g in usable]).astype(np.float64)
    mean, scale = stacked.mean(axis=0), stacked.std(axis=0) + 1e-6
    data = [((g.features - mean) / scale, g.gold / g.gold.sum()) for g in usable]
    weights = np.zeros(stacked.shape[1])
    first, second = np.zeros_like(weights), np.zeros_like(weights)
    for step in range(1, steps + 1):
        gradient = l2 * weights
        for features, target in data:
            scores = features @ weights
            share = np.exp(scores - scores.max())
            gradient += features.T @ (share / share.sum() - target) / len(data)
        first = 0.9 * first + 0.1 * gradient
        second = 0.999 * second + 0.001 * gradient * gradient
        weights -= 0.05 * (first / (1 - 0.9**step)) / (np.sqrt(second / (1 - 0.999**step)) + 1e-8)
    return Ranker(tuple(names), tuple(map(float, mean)), tuple(map(float, scale)), tuple(map(float, weights)))


def ranking_metrics(groups: Sequence[Group], ranker: Ranker) -> dict[str, float]:
    """R@1, R@5 (a gold article among the first k distinct articles) and MRR@10."""
    firsts = [_first_gold(g, ranker.score(g.features)) for g in groups]
    return {
        "recall@1": _mean([f == 1 for f in firsts]),
        "recall@5": _mean([f is not None and f <= 5 for f in firsts]),
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
