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

from rag.answer.evidence import Evidence, EvidenceScorer, scope_text
from rag.ingest.catalog import place_names
from rag.text.normalize import years
from rag.text.sentences import split_sentences
from rag.texts import NOT_FOUND
from rag.types import Answer, Citation, DocMeta, Hit, SearchMode

WHOLE_ARTICLE_CHARS = 400


@dataclass(frozen=True)
class AnswerOptions:
    max_sentences: int = 3
    passages_read: int = 3  # sentences are taken from this many top passages
    keep_ratio: float = 0.6  # further sentences must score this share of the best one
    citations: int = 5


@dataclass(frozen=True)
class Candidate:
    hit_index: int
    position: int  # sentence number within the passage
    sentence: str
    coverage: float
    score: float  # coverage plus the passage's rank prior


def rank_sentences(
    question: str, hits: Sequence[Hit], metas: dict[str, DocMeta], scorer: EvidenceScorer,
    places: frozenset[str] = frozenset(),
) -> list[Candidate]:
    """Scored sentences that honour the years and places the question names."""
    asked_years = years(question)
    asked_places = {place for place in places if place in question}
    top = hits[0].score if hits else 0.0
    candidates = []
    for i, hit in enumerate(hits):
        meta = metas[hit.chunk.doc_id]
        scope = scope_text(hit, meta)
        unplaced = _unmatched_places(asked_places, meta)
        prior = scorer.rank_prior(hit, top)
        for position, sentence in enumerate(split_sentences(hit.chunk.text)):
            context = f"{sentence} {scope}"
            if asked_years <= years(context) and (not unplaced or any(p in context for p in unplaced)):
                coverage = scorer.coverage(question, sentence)
                candidates.append(Candidate(i, position, sentence, coverage, coverage + prior))
    return sorted(candidates, key=lambda c: -c.score)


def _unmatched_places(asked: set[str], meta: DocMeta) -> set[str]:
    """Places named in the question that a sentence must mention itself, since its document is not about them.

    A report answers for the places it is about ("那坦洲呢？" is not answered from 鹤山's report);
    statutes apply wherever they are in force, so they are never ruled out by place.
    """
    if not asked or meta.kind == "statute" or asked & set(place_names(meta.place)):
        return set()
    return asked


def compose_answer(
    question: str,
    hits: Sequence[Hit],
    metas: dict[str, DocMeta],
    scorer: EvidenceScorer,
    *,
    mode: SearchMode,
    threshold: float,
    options: AnswerOptions = AnswerOptions(),
    places: frozenset[str] = frozenset(),
) -> Answer:
    """`places` are the place names the collection knows; a question naming one must be answered for it."""
    shown = list(hits[: options.citations])
    candidates = rank_sentences(question, shown[: options.passages_read], metas, scorer, places)
    evidence = _evidence(question, shown, candidates, metas, scorer)
    chosen = _choose(candidates, options) if candidates and evidence.confidence >= threshold else []
    quotes: dict[int, list[str]] = {}
    for candidate in chosen:
        quotes.setdefault(candidate.hit_index, []).append(candidate.sentence)
    citations = tuple(
        Citation(n, hit, metas[hit.chunk.doc_id], tuple(quotes.get(n - 1, ())))
        for n, hit in enumerate(shown, start=1)
    )
    text = _quote(chosen, shown) or NOT_FOUND
    return Answer(question, text, not chosen, citations, mode, round(evidence.confidence, 4))


def _evidence(question: str, shown: list[Hit], candidates: list[Candidate], metas: dict[str, DocMeta],
              scorer: EvidenceScorer) -> Evidence:
    if not candidates:
        return Evidence(0.0, 0.0, 0.0, 0.0)
    best = candidates[0]
    passage = shown[best.hit_index]
    return scorer.evidence(question, shown[0], passage, metas[passage.chunk.doc_id], best.coverage)


def _quote(chosen: list[Candidate], shown: list[Hit]) -> str:
    """Sentences with their citation numbers.

    A statute is quoted with its label, and a short article whole: its clauses
    qualify each other (试用期不得超过一个月；……不得超过六个月), so a lone clause misleads.
    """
    parts, quoted = [], set()
    for c in chosen:
        chunk = shown[c.hit_index].chunk
        if chunk.label and len(chunk.text) <= WHOLE_ARTICLE_CHARS:
            if c.hit_index not in quoted:
                parts.append(f"{chunk.label}：{chunk.text.strip()}[{c.hit_index + 1}]")
        else:
            opener = f"{chunk.label}：" if chunk.label and c.hit_index not in quoted else ""
            parts.append(f"{opener}{c.sentence}[{c.hit_index + 1}]")
        quoted.add(c.hit_index)
    return "".join(parts)


def _choose(candidates: list[Candidate], options: AnswerOptions) -> list[Candidate]:
    """The best sentences, read in passage order so that an article or paragraph reads naturally."""
    best = candidates[0].score
    kept = [c for c in candidates[: options.max_sentences] if c.score >= options.keep_ratio * best]
    first_passage = kept[0].hit_index
    return sorted(kept, key=lambda c: (c.hit_index != first_passage, c.hit_index, c.position))
