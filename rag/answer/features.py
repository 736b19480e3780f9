"""What the answer step knows about one candidate sentence, as numbers a learned model weighs.

The rules of `rag.answer.question` and `rag.answer.items` say what was asked and
where the asked item sits; these features say how strongly the sentence, its
passage and the retrieval agree with the question. How much each signal counts
is not written here: `rag.answer.model` holds weights learned by cross-validation
over the question files (`lawqa calibrate`), because hand-set weights fitted to
one file did not hold on questions written later.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.answer.candidates import Candidate, focus_window, own_clause
from rag.answer.evidence import EvidenceScorer, scope_text
from rag.answer.items import in_asked_unit, item_context
from rag.answer.question import Asked
from rag.types import DocMeta, Hit

FEATURE_NAMES: tuple[str, ...] = (
    "bias",
    "sentence_coverage",  # IDF share of the question in the sentence
    "passage_coverage",  # ... in the passage with its headings and title
    "relevance",  # e5 cosine of the top passage, scaled from the unrelated-text floor
    "passage_relevance",  # the same for the sentence's own passage
    "dense_top",  # the top passage's e5 cosine above 0.8, unclipped: relevance saturates on near topics
    "dense_passage",  # ... and the sentence's own passage's
    "rank_prior",  # the passage's fused score relative to the best one
    "first_passage",
    "wants_item",  # the question asks for a number, date, period, name ...
    "has_item",  # ... and the sentence holds one of that kind
    "focus",  # share of the asked thing named around the item (or in the sentence)
    "head",  # the head noun of the asked thing next to the item (多少家律师事务所 -> 律师事务所)
    "adjacent",  # the head noun within a few characters of the item (7项职能)
    "part_missing",  # a part of a whole is asked (其中刑事案件有几宗) and the item's clause does not name it
    "missing_focus",  # IDF share of the weightiest focus word absent from the item's clause and neighbours
    "clause_focus",  # share of the asked thing named in the item's own clause ("34名…参加考试" is not 持证的)
    "clause_missing",  # IDF share of the weightiest focus word absent from the item's own clause
    "question_missing",  # IDF share of the weightiest question word absent from the passage, headings and title
    "sentence_missing",  # ... absent from the sentence
    "item_focus",  # has_item x focus: an item about the asked thing
    "open_coverage",  # sentence coverage for questions that ask no item (lists, yes/no, how-to)
    "kind_quantity",
    "kind_period",
    "kind_date",
    "kind_person",
    "kind_entity",
    "statute",  # the passage is a statute article
    "unit_exact",  # the item is in the measure word the question uses (多少件 -> 312件), not just a kindred one
    "counted_focus",  # share of the asked thing in the words the item counts or names ("960个法律服务机构")
)
ADJACENT_CHARS = 4


@dataclass(frozen=True)
class QuestionContext:
    """What every candidate of one question shares: computed once per answer."""

    question: str
    asked: Asked
    focus: str  # the asked thing with the places the question names removed
    head: str
    relevance: float
    top_score: float
    top_dense: float | None


def question_context(question: str, asked: Asked, focus: str, hits: list[Hit], scorer: EvidenceScorer) -> (
        QuestionContext):
    head = scorer.head(focus) if focus else ""
    relevance = scorer.relevance(hits[0]) if hits else 0.0
    top = hits[0] if hits else None
    return QuestionContext(question, asked, focus, head, relevance, top.score if top else 0.0,
                           top.dense_score if top else None)


def candidate_features(context: QuestionContext, candidate: Candidate, hit: Hit, meta: DocMeta,
                       scorer: EvidenceScorer, passage_coverage: float) -> tuple[float, ...]:
    asked = context.asked
    wants = float(asked.wants_item)
    has_item = float(asked.wants_item and candidate.item is not None)
    window = focus_window(candidate) if candidate.item is not None else candidate.sentence
    clause = own_clause(candidate) if candidate.item is not None else candidate.sentence
    head = scorer.coverage(context.head, window) if context.head else candidate.focus
    rarest = scorer.missing_share(context.focus, window) if context.focus else 0.0
    clause_focus = scorer.coverage(context.focus, clause) if context.focus else 1.0
    clause_missing = scorer.missing_share(context.focus, clause) if context.focus else 0.0
    passage = f"{hit.chunk.text} {scope_text(hit, meta)}"
    return (
        1.0,
        candidate.coverage,
        passage_coverage,
        context.relevance,
        scorer.relevance(hit),
        _above(context.top_dense),
        _above(hit.dense_score),
        scorer.rank_prior(hit, context.top_score) / 0.25 if context.top_score > 0 else 0.0,
        float(candidate.hit_index == 0),
        wants,
        has_item,
        candidate.focus,
        head,
        _adjacent(candidate, context.head),
        float(bool(asked.part) and clause_focus < 0.5),
        rarest,
        clause_focus,
        clause_missing,
        scorer.missing_share(context.question, passage),
        scorer.missing_share(context.question, candidate.sentence),
        has_item * candidate.focus,
        (1.0 - wants) * candidate.coverage,
        float(asked.kind == "quantity"),
        float(asked.kind == "period"),
        float(asked.kind == "date"),
        float(asked.kind == "person"),
        float(asked.kind == "entity"),
        float(meta.kind == "statute"),
        _unit_exact(candidate, asked),
        _counted_focus(candidate, context.focus, scorer),
    )


def passage_coverage(question: str, hit: Hit, meta: DocMeta, scorer: EvidenceScorer) -> float:
    return scorer.coverage(question, f"{hit.chunk.text} {scope_text(hit, meta)}")


def _above(cosine: float | None) -> float:
    """An e5 cosine above the unrelated-text level, in tenths (0.80 -> 0, 0.90 -> 1); no dense score: 1."""
    return 1.0 if cosine is None else (cosine - 0.8) * 10


def _unit_exact(candidate: Candidate, asked: Asked) -> float:
    if candidate.item is None:
        return 0.0
    return float(in_asked_unit(candidate.sentence[candidate.item[0]:candidate.item[1]], asked))


def _counted_focus(candidate: Candidate, focus: str, scorer: EvidenceScorer) -> float:
    if candidate.item is None or not focus:
        return 0.0
    return scorer.coverage(focus, item_context(candidate.sentence, candidate.item, [candidate.item]))


def _adjacent(candidate: Candidate, head: str) -> float:
    """1 when the head noun touches the item ("7项职能", "律师事务所12家"): the item counts that noun."""
    if candidate.item is None or not head:
        return 0.0
    start, end = candidate.item
    near = candidate.sentence[max(0, start - ADJACENT_CHARS - len(head)): end + ADJACENT_CHARS + len(head)]
    return float(head in near)
