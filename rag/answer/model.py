"""The learned part of the answer step: two logistic models over candidate features.

The ranker's sigmoid(ranker . features) orders the candidate sentences (which one
answers); the gate's sigmoid(gate . features), on the best candidate, decides
whether to answer at all. Features are those of `rag.answer.features`; weights
and the gate's threshold are fitted by `lawqa calibrate` (rag.evaluation.learning)
and shipped in app/learned.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from rag.answer.candidates import Candidate, Found
from rag.answer.evidence import EvidenceScorer
from rag.answer.features import FEATURE_NAMES, candidate_features, passage_coverage, question_context
from rag.answer.question import Asked
from rag.types import DocMeta, Hit


def probability(weights: Sequence[float], features: Sequence[float]) -> float:
    if len(weights) != len(features):
        raise ValueError(f"{len(weights)} weights for {len(features)} features; re-learn with 'lawqa calibrate'")
    z = sum(w * x for w, x in zip(weights, features, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def check_weights(weights: Sequence[float], names: Sequence[str]) -> None:
    """A shipped model must have been learned on today's features, in today's order."""
    if weights and tuple(names) != FEATURE_NAMES:
        raise ValueError("the answer model was learned on other features; re-learn with 'lawqa calibrate'")


def rescore(found: Found, question: str, asked: Asked, hits: Sequence[Hit], metas: dict[str, DocMeta],
            scorer: EvidenceScorer, weights: Sequence[float]) -> Found:
    """The candidates with `score` = the model's probability, best first."""
    rows = candidate_rows(found, question, asked, hits, metas, scorer)

    def scored(group: list[Candidate], features: list[tuple[float, ...]]) -> list[Candidate]:
        rescored = [replace(c, score=probability(weights, x), features=x) for c, x in zip(group, features, strict=True)]
        return sorted(rescored, key=lambda c: -c.score)

    return replace(found, candidates=scored(found.candidates, rows[0]), blocked=scored(found.blocked, rows[1]))


def candidate_rows(found: Found, question: str, asked: Asked, hits: Sequence[Hit], metas: dict[str, DocMeta],
                   scorer: EvidenceScorer) -> tuple[list[tuple[float, ...]], list[tuple[float, ...]]]:
    """Features of the candidates and of the blocked candidates, in their order."""
    context = question_context(question, asked, found.focus, list(hits), scorer)
    coverage: dict[int, float] = {}

    def row(c: Candidate) -> tuple[float, ...]:
        hit = hits[c.hit_index]
        meta = metas[hit.chunk.doc_id]
        if c.hit_index not in coverage:
            coverage[c.hit_index] = passage_coverage(question, hit, meta, scorer)
        return candidate_features(context, c, hit, meta, scorer, coverage[c.hit_index])

    return [row(c) for c in found.candidates], [row(c) for c in found.blocked]
