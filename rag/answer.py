"""Extractive answers: the sentences of the top passages that answer the question.

Sentences of the first few passages are scored by coverage of the question
(see evidence) plus a prior for the passage's rank; the best few become the
answer, each followed by its citation number. Sentences that miss a year the
question names are not candidates. When no candidate is left or confidence is
below the threshold, the answer says so and still lists the nearest passages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag.evidence import Evidence, EvidenceScorer, scope_text, years
from rag.sentences import split_sentences
from rag.texts import NOT_FOUND
from rag.types import Answer, Citation, DocMeta, Hit, SearchMode


@dataclass(frozen=True)
class AnswerOptions:
    max_sentences: int = 3
    passages_read: int = 3  # sentences are taken from this many top passages
    keep_ratio: float = 0.6  # further sentences must score this share of the best one
    citations: int = 5


@dataclass(frozen=True)
class Candidate:
    hit_index: int
    sentence: str
    coverage: float
    score: float  # coverage plus the passage's rank prior


def rank_sentences(
    question: str, hits: Sequence[Hit], metas: dict[str, DocMeta], scorer: EvidenceScorer
) -> list[Candidate]:
    asked_years = years(question)
    top = hits[0].score if hits else 0.0
    candidates = []
    for i, hit in enumerate(hits):
        scope = scope_text(hit, metas[hit.chunk.doc_id])
        for sentence in split_sentences(hit.chunk.text):
            if asked_years <= years(f"{sentence} {scope}"):
                coverage = scorer.coverage(question, sentence)
                candidates.append(Candidate(i, sentence, coverage, coverage + scorer.rank_prior(hit, top)))
    return sorted(candidates, key=lambda c: -c.score)


def compose_answer(
    question: str,
    hits: Sequence[Hit],
    metas: dict[str, DocMeta],
    scorer: EvidenceScorer,
    *,
    mode: SearchMode,
    threshold: float,
    options: AnswerOptions = AnswerOptions(),
) -> Answer:
    shown = list(hits[: options.citations])
    candidates = rank_sentences(question, shown[: options.passages_read], metas, scorer)
    evidence = _evidence(question, shown, candidates, metas, scorer)
    chosen = _choose(candidates, options) if candidates and evidence.confidence >= threshold else []
    quotes: dict[int, list[str]] = {}
    for candidate in chosen:
        quotes.setdefault(candidate.hit_index, []).append(candidate.sentence)
    citations = tuple(
        Citation(n, hit, metas[hit.chunk.doc_id], tuple(quotes.get(n - 1, ())))
        for n, hit in enumerate(shown, start=1)
    )
    text = "".join(f"{c.sentence}[{c.hit_index + 1}]" for c in chosen) or NOT_FOUND
    return Answer(question, text, not chosen, citations, mode, round(evidence.confidence, 4))


def _evidence(question: str, shown: list[Hit], candidates: list[Candidate], metas: dict[str, DocMeta],
              scorer: EvidenceScorer) -> Evidence:
    if not candidates:
        return Evidence(0.0, 0.0, 0.0, 0.0)
    best = candidates[0]
    passage = shown[best.hit_index]
    return scorer.evidence(question, shown[0], passage, metas[passage.chunk.doc_id], best.coverage)


def _choose(candidates: list[Candidate], options: AnswerOptions) -> list[Candidate]:
    best = candidates[0].score
    return [c for c in candidates[: options.max_sentences] if c.score >= options.keep_ratio * best]
