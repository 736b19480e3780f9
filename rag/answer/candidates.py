"""Candidate answer sentences from the top passages, scored and checked against the question.

A sentence is a candidate unless it is a heading (a heading names a topic, it
never answers) or it misses a year or a place the question names; those that
miss only the year or place are kept apart as `blocked`, so the answer can say
that the asked item exists for another place or year.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer.evidence import EvidenceScorer, scope_text
from rag.answer.items import Span, clause_of, find_items, in_asked_unit, item_context
from rag.answer.question import Asked
from rag.ingest.catalog import place_names
from rag.ingest.headings import classify_heading
from rag.text.normalize import fold, years
from rag.text.sentences import sentence_spans
from rag.types import Chunk, DocMeta, Hit

_SENTENCE_END = re.compile(r"[。！？!?；;]")


@dataclass(frozen=True)
class Candidate:
    hit_index: int
    position: int  # sentence number within the passage
    sentence: str
    coverage: float  # of the whole question
    score: float  # coverage plus the passage's rank prior
    offset: int = 0  # where the sentence starts in the passage text
    item: Span | None = None  # the asked item inside the sentence
    focus: float = 0.0  # how much of the asked thing the item's clause names
    features: tuple[float, ...] = ()  # for the learned answer model (rag.answer.features), once scored

    def source_item(self, chunk: Chunk) -> tuple[int, int]:
        """The item's [start, end) in the source file."""
        assert self.item is not None
        start, end = self.offset + self.item[0], self.offset + self.item[1]
        return chunk.source_offset(start), chunk.source_offset(end - 1) + 1


@dataclass(frozen=True)
class Found:
    candidates: list[Candidate]  # best first
    blocked: list[Candidate]  # would be candidates but for a year or place the question names
    focus: str = ""  # the asked thing, without the places the question names


def rank_sentences(
    question: str, asked: Asked, hits: Sequence[Hit], metas: dict[str, DocMeta], scorer: EvidenceScorer,
    places: frozenset[str] = frozenset(),
) -> Found:
    asked_places = {place for place in places if place in question}
    focus = _strip(asked.focus, asked_places)
    top = hits[0].score if hits else 0.0
    candidates: list[Candidate] = []
    blocked: list[Candidate] = []
    for i, hit in enumerate(hits):
        meta = metas[hit.chunk.doc_id]
        scope = scope_text(hit, meta)
        unplaced = _unmatched_places(asked_places, meta)
        prior = scorer.rank_prior(hit, top)
        for position, (start, end) in enumerate(sentence_spans(hit.chunk.text)):
            sentence = hit.chunk.text[start:end]
            if is_heading(sentence, hit.chunk):
                continue
            coverage = scorer.coverage(question, sentence)
            item, focus_share = _best_item(question, sentence, asked, focus, scorer)
            candidate = Candidate(i, position, sentence, coverage, coverage + prior, start, item, focus_share)
            context = f"{sentence} {scope} {_relative_year(sentence, meta)}"
            in_scope = asked.years <= years(context) and (not unplaced or any(p in context for p in unplaced))
            (candidates if in_scope else blocked).append(candidate)
    return Found(sorted(candidates, key=lambda c: -c.score), sorted(blocked, key=lambda c: -c.score), focus)


def is_heading(sentence: str, chunk: Chunk) -> bool:
    """A section heading, numbered heading or unterminated title line."""
    bare = sentence.strip()
    core = bare.rstrip("。；;，,：:")  # a heading quoted with the stop that closes its line is still a heading
    if core and (core in chunk.section or any(core in heading for heading in chunk.section)):
        return True
    if classify_heading(bare) not in ("text", "h3") and not _SENTENCE_END.search(bare):
        return True
    return not _SENTENCE_END.search(bare) and len(bare) <= 30 and len(chunk.text.strip()) > len(bare) + 10


def _best_item(question: str, sentence: str, asked: Asked, focus: str, scorer: EvidenceScorer) -> (
        tuple[Span | None, float]):
    """The item whose clause best names the focus, and that share; without an item, the sentence's share."""
    items = find_items(sentence, asked)
    if asked.kind in ("quantity", "period"):  # "江门的46个调解室调解了多少宗": the 46个 it gives is not the answer
        items = [item for item in items if fold(sentence[item[0]:item[1]]) not in fold(question)]
    if not focus:
        return (items[0] if items else None), 1.0
    if not items:
        return None, scorer.coverage(focus, sentence)
    exact = [item for item in items if in_asked_unit(sentence[item[0]:item[1]], asked)]
    items = exact or items  # "多少次会": of 89件 and 118次, only 118次 is counted in 次
    head = scorer.head(focus) if asked.counted else ""
    shares = [_focus_share(focus, head, _where_named(sentence, item, asked), scorer) for item in items]
    # Neighbouring clauses share a window ("受理纠纷570宗,调结465宗"): the item's own clause, and how much
    # of the whole question it repeats, decide between them.
    closeness = [_focus_share(focus, head, _clause(sentence, item), scorer)
                 + scorer.coverage(question, _clause(sentence, item)) / 2 for item in items]
    fit = [_item_fit(question, sentence, item, items, asked, focus, scorer) for item in items]
    best = max(range(len(items)), key=lambda i: shares[i] + closeness[i] + fit[i])
    return items[best], shares[best]


# A number in 个 where the question counts in 个 ("几个"): other measure words are already kept to their own
# numbers above, but 个 fits any count, so among mixed units it only tips the balance.
UNIT_FIT = 0.6


def _item_fit(question: str, sentence: str, item: Span, items: list[Span], asked: Asked, focus: str,
              scorer: EvidenceScorer) -> float:
    """How well the words the item counts or names fit the question, among items of one clause
    ("共计2848个法律服务机构和个人" for 法律服务机构和个人, not "12个类别")."""
    context = item_context(sentence, item, items)
    fit = scorer.coverage(focus, context) + scorer.coverage(question, context) / 2
    text = sentence[item[0]:item[1]]
    if asked.unit and text.endswith(asked.unit):
        fit += UNIT_FIT
    if asked.kind in ("entity", "person"):  # the question already gives the names it repeats; the answer is new
        fit -= scorer.coverage(question, text)
    return fit


def _clause(sentence: str, item: Span) -> str:
    start, end = clause_of(sentence, item)
    return sentence[start:end]


def _focus_share(focus: str, head: str, window: str, scorer: EvidenceScorer) -> float:
    """Half for the focus as a whole, half for its head noun, which decides what is counted."""
    whole = scorer.coverage(focus, window)
    return (whole + scorer.coverage(head, window)) / 2 if head else whole


def _where_named(sentence: str, item: Span, asked: Asked) -> str:
    """Where the asked thing must be named: a part of a whole in the item's own clause, since the clause
    before it often names the whole ("受理法律援助案件35宗，其中刑事案件12宗"); else the clause and its neighbours."""
    return _clause(sentence, item) if asked.part else _window(sentence, item)


def focus_window(candidate: Candidate) -> str:
    """Where the asked thing must be named for the candidate's item to be about it."""
    assert candidate.item is not None
    return _window(candidate.sentence, candidate.item)


def own_clause(candidate: Candidate) -> str:
    """The clause that holds the candidate's item, without its neighbours."""
    assert candidate.item is not None
    start, end = clause_of(candidate.sentence, candidate.item)
    return candidate.sentence[start:end]


def _window(sentence: str, item: Span) -> str:
    """The item's clause and its neighbours, which often name the subject ("执结欠薪案件73件,为……466万元")."""
    start, end = clause_of(sentence, item)
    before = clause_of(sentence, (start - 1, start - 1))[0] if start > 0 else start
    after = clause_of(sentence, (end + 1, end + 1))[1] if end + 1 < len(sentence) else end
    return sentence[before:after]


def _relative_year(sentence: str, meta: DocMeta) -> str:
    """The year "今年" means in a report dated `meta.date` ("截至今年上半年" in a 2021 report is 2021)."""
    return meta.date[:4] if "今年" in sentence and meta.date[:4].isdigit() else ""


def _strip(focus: str, asked_places: set[str]) -> str:
    for place in asked_places:
        focus = focus.replace(place, "")
    return focus


def _unmatched_places(asked: set[str], meta: DocMeta) -> set[str]:
    """Places named in the question that a sentence must mention itself, since its document is not about them.

    A report answers for the place it is about ("那坦洲呢？" is not answered from 鹤山's report), not for
    the places that contain it: a 江门 figure asked for is not 鹤山's figure unless the sentence says 江门.
    Statutes apply wherever they are in force, so they are never ruled out by place.
    """
    if not asked or meta.kind == "statute" or asked & set(place_names(meta.place)[-1:]):
        return set()
    return asked
