"""Extractive answers: the sentences of the top passages that answer what was asked.

1. The question is analysed (`rag.answer.question`): what kind of item it asks
   for (a count in 家, a date, a person ...) and what that item is about.
2. Sentences of the first few passages are candidates unless they are headings
   or miss a year or place the question names (`rag.answer.candidates`).
3. A candidate answers only when it holds an item of the asked kind whose clause
   names the asked thing (focus coverage >= `AnswerPolicy.focus`), and the
   answer's confidence (relevance x coverage, `rag.answer.evidence`) clears
   `AnswerPolicy.confidence`.
4. Otherwise the answer is honest about what is missing: the topic is found but
   not the asked item ("资料提到了……[1]，但没有给出……"), or the item exists for
   another place or year than the one asked, or nothing relevant is found.
   All three count as abstaining.

Citations are numbered in reading order: the passages quoted, in the order the
answer quotes them, then the other passages by rank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag import texts
from rag.answer.candidates import Candidate, rank_sentences
from rag.answer.evidence import Evidence, EvidenceScorer
from rag.answer.features import FEATURE_NAMES
from rag.answer.model import probability, rescore
from rag.answer.question import Asked, analyse, asks_office_address, forbids, foreign_country, names_counted_thing
from rag.types import Answer, Citation, DocMeta, Hit, SearchMode

WHOLE_ARTICLE_CHARS = 400
PART_SHARE = 0.5  # of the asked part that the item's clause must name
STATUTE_FEATURE = FEATURE_NAMES.index("statute")


@dataclass(frozen=True)
class AnswerOptions:
    max_sentences: int = 3
    # Sentences are taken from this many top passages: all five a reader is shown, since an article fourth in
    # the list answers as well as the first (2026-12-05: 3 -> 5 took cross-validated statute answers 0.611 ->
    # 0.625 and report answers 0.952 -> 0.958, the same abstention).
    passages_read: int = 5
    keep_ratio: float = 0.6  # further sentences must score this share of the best one
    citations: int = 5
    as_of: str = ""  # "2019年6月1日": statutes are quoted as the version in force that day


@dataclass(frozen=True)
class AnswerPolicy:
    """The answer step's thresholds and learned weights, chosen by cross-validation (`lawqa calibrate`).

    Without learned weights, the best sentence answers when the answer's confidence clears
    `confidence`. With them (`rag.answer.model`), the ranker orders the sentences and the
    best one answers when the gate's probability clears `threshold`; `confidence` then
    only decides whether the topic was found at all, for an honest partial answer.
    """

    confidence: float = 0.09  # relevance x coverage below this: the documents do not answer
    focus: float = 0.3  # share of the asked thing that the answering clause must name
    ranker: tuple[float, ...] = ()
    gate: tuple[float, ...] = ()
    threshold: float = 0.5
    # Statute articles answer lay questions in other words than reports answer theirs: their own gate,
    # learned on statute questions, decides when the best sentence is from a statute.
    statute_gate: tuple[float, ...] = ()
    statute_threshold: float = 0.5


def compose_answer(
    question: str,
    hits: Sequence[Hit],
    metas: dict[str, DocMeta],
    scorer: EvidenceScorer,
    *,
    mode: SearchMode,
    policy: AnswerPolicy = AnswerPolicy(),
    options: AnswerOptions = AnswerOptions(),
    places: frozenset[str] = frozenset(),
) -> Answer:
    """`places` are the place names the collection knows; a question naming one must be answered for it."""
    shown = list(hits[: options.citations])
    asked = analyse(question)
    read = passages_read(shown, asked, options)
    found = rank_sentences(question, asked, read, metas, scorer, places)
    if policy.ranker:
        found = rescore(found, question, asked, read, metas, scorer, policy.ranker)
    silent = _silent_articles(question, read, metas, found.focus, asked, scorer)
    answering = [c for c in found.candidates if answers(c, asked, policy)
                 and not (c.hit_index in silent and _from_statute(c))]
    evidence = _evidence(question, shown, answering or found.candidates, metas, scorer)
    country = foreign_country(question)
    if country and not any(country in hit.chunk.text for hit in read):
        return _answer(question, shown, metas, [], texts.FOREIGN_LAW.format(country=country), True, mode, evidence)
    # A report may give an office's address; an article never does.
    if asks_office_address(question) and answering and _from_statute(answering[0]):
        return _answer(question, shown, metas, [], texts.OFFICE_ADDRESS, True, mode, evidence)
    if answering and trusted(answering[0], evidence, policy):
        chosen = _choose(answering, options)
        quote = _quote(chosen, shown, metas, options.as_of)
        return _answer(question, shown, metas, chosen, quote, False, mode, evidence)
    topic = found.candidates[0] if found.candidates else None
    # The topic is found when the best sentence names some of the asked thing, not just the place.
    if topic and evidence.confidence >= policy.confidence and (topic.focus > 0 or not asked.focus):
        text = texts.PARTIAL_ANSWER.format(sentence=topic.sentence.rstrip("。；;"), n=1, missing=_missing(asked))
        return _answer(question, shown, metas, [topic], text, True, mode, evidence)
    # An item found for another place or year is only reported when the gate would have trusted it here.
    elsewhere = [c for c in found.blocked if answers(c, asked, policy)
                 and (not policy.gate or probability(policy.gate, c.features) >= policy.threshold)]
    if elsewhere:
        other = elsewhere[0]
        title = metas[shown[other.hit_index].chunk.doc_id].title
        text = texts.OTHER_SCOPE.format(title=title, sentence=other.sentence, n=1)
        return _answer(question, shown, metas, [other], text, True, mode, evidence)
    return _answer(question, shown, metas, [], texts.NOT_FOUND, True, mode, evidence)


def passages_read(shown: Sequence[Hit], asked: Asked, options: AnswerOptions = AnswerOptions()) -> list[Hit]:
    """The passages whose sentences may answer. Where a prohibition is asked for, only a clause that
    prohibits answers, and such clauses are fewer, so every passage shown is read, not the first few."""
    return list(shown) if asked.forbidden else list(shown[: options.passages_read])


def _silent_articles(question: str, read: list[Hit], metas: dict[str, DocMeta], focus: str, asked: Asked,
                     scorer: EvidenceScorer) -> set[int]:
    """The articles that name nothing of the counted thing anywhere ("提前三十日" for 几个月拘役): they do not
    answer, however near their topic. Only where the question names that thing after its measure word:
    the rest of a lay question ("提前多久跟公司说") is in words no article uses, and the statute gate weighs it."""
    if not (asked.wants_item and focus and names_counted_thing(question, focus)):
        return set()
    return {i for i, hit in enumerate(read)
            if metas[hit.chunk.doc_id].kind == "statute" and scorer.coverage(focus, hit.chunk.text) <= 0}


def _from_statute(candidate: Candidate) -> bool:
    return bool(candidate.features) and candidate.features[STATUTE_FEATURE] == 1.0


def trusted(best: Candidate, evidence: Evidence, policy: AnswerPolicy) -> bool:
    """Whether the best answering sentence is good enough to answer with, rather than abstain."""
    if policy.statute_gate and _from_statute(best):
        return probability(policy.statute_gate, best.features) >= policy.statute_threshold
    if policy.gate:
        return probability(policy.gate, best.features) >= policy.threshold
    return evidence.confidence >= policy.confidence


def answers(candidate: Candidate, asked: Asked, policy: AnswerPolicy) -> bool:
    """Holds an item of the asked kind about the asked thing (kinds without an item: any sentence); prohibits
    something when what is prohibited is asked."""
    if asked.forbidden and not forbids(candidate.sentence, asked.forbidden):
        return False
    if not asked.wants_item:
        return True
    if asked.part and candidate.focus < PART_SHARE:  # "其中刑事案件有几宗" is not answered by the total
        return False
    # A name of the asked class (哪个镇 -> 龙口镇) is specific enough; its description is often paraphrased.
    return candidate.item is not None and (asked.kind == "entity" or candidate.focus >= policy.focus)


def _answer(question: str, shown: list[Hit], metas: dict[str, DocMeta], chosen: list[Candidate], text: str,
            abstained: bool, mode: SearchMode, evidence: Evidence) -> Answer:
    """The answer with its citations renumbered in reading order (text written with [n] = hit index + 1)."""
    order = list(dict.fromkeys(c.hit_index for c in chosen))
    order += [i for i in range(len(shown)) if i not in order]
    number = {hit_index: n for n, hit_index in enumerate(order, start=1)}
    if not abstained:
        text = _renumber(text, number)
    citations = tuple(
        Citation(number[i], shown[i], metas[shown[i].chunk.doc_id],
                 tuple(c.sentence for c in chosen if c.hit_index == i),
                 tuple(c.source_item(shown[i].chunk) for c in chosen if c.hit_index == i and c.item is not None))
        for i in order
    )
    return Answer(question, text, abstained, citations, mode, round(evidence.confidence, 4))


def _renumber(text: str, number: dict[int, int]) -> str:
    for hit_index in sorted(number, reverse=True):  # [10] before [1]
        text = text.replace(f"[[{hit_index + 1}]]", f"[{number[hit_index]}]")
    return text


def _missing(asked: Asked) -> str:
    what = texts.ASKED_ITEM.get(asked.kind, texts.ASKED_ITEM["other"])
    if not what.startswith("的"):  # "所问的具体内容" stands alone
        return what
    return f"{asked.focus}{what}" if asked.focus else what.removeprefix("的")  # "行为的具体名称", "具体名称"


def _evidence(question: str, shown: list[Hit], candidates: list[Candidate], metas: dict[str, DocMeta],
              scorer: EvidenceScorer) -> Evidence:
    if not candidates:
        return Evidence(0.0, 0.0, 0.0, 0.0)
    best = candidates[0]
    passage = shown[best.hit_index]
    return scorer.evidence(question, shown[0], passage, metas[passage.chunk.doc_id], best.coverage)


def _quote(chosen: list[Candidate], shown: list[Hit], metas: dict[str, DocMeta], as_of: str = "") -> str:
    """Sentences with their citation numbers, as [[hit index + 1]] until renumbered.

    A statute is quoted with its label once, and a short article whole: its clauses
    qualify each other (试用期不得超过一个月；……不得超过六个月), so a lone clause misleads.
    """
    parts, quoted = [], set()
    for c in chosen:
        chunk = shown[c.hit_index].chunk
        marker = f"[[{c.hit_index + 1}]]"
        label = statute_label(chunk.label) + validity(metas[chunk.doc_id], as_of) if chunk.label else ""
        if chunk.label and len(chunk.text) <= WHOLE_ARTICLE_CHARS:
            if c.hit_index not in quoted:
                parts.append(f"{label}：{article_body(chunk.text)}{marker}")
        else:
            opener = f"{label}：" if chunk.label and c.hit_index not in quoted else ""
            parts.append(f"{opener}{c.sentence}{marker}")
        quoted.add(c.hit_index)
    return "".join(parts)


def statute_label(label: str) -> str:
    """"劳动合同法 第十九条" -> "《劳动合同法》第十九条", as lawyers cite."""
    law, _, article = label.rpartition(" ")
    return f"《{law}》{article}" if law else label


def validity(meta: DocMeta, as_of: str = "") -> str:
    """"（现行有效，2013年7月1日起施行）": what a reader must know before relying on an article.

    Asked for the law on a past day (`as_of`): "（2019年6月1日时有效的版本，2013年7月1日起施行，现已修改）".
    No effective day known: "（现行有效，2024年4月26日公布）", the day the version was adopted.
    """
    if not meta.status:
        return ""
    # No effective day (an amendment's, often): the day the version was adopted tells which text it is.
    adopted = chinese_day(meta.date)
    if meta.effective:
        dated = texts.EFFECTIVE_ON.format(day=chinese_date(meta.effective))
    else:
        dated = texts.ADOPTED_ON.format(day=adopted) if adopted else ""
    if as_of:
        now = texts.STATUS_NOW.get(meta.status, meta.status)
        if dated:
            return texts.VALIDITY_AS_OF.format(when=as_of, dated=dated, now=now)
        return texts.VALIDITY_AS_OF_UNDATED.format(when=as_of, now=now)
    return texts.VALIDITY.format(status=meta.status, dated=dated) if dated else f"（{meta.status}）"


def chinese_date(iso: str) -> str:
    """"2013-07-01" -> "2013年7月1日"; anything else as it is."""
    return chinese_day(iso) or iso


def chinese_day(iso: str) -> str:
    """"2013-07-01" -> "2013年7月1日"; "" for anything that is not a whole day ("2024", "")."""
    parts = iso.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{int(parts[0])}年{int(parts[1])}月{int(parts[2])}日"
    return ""


def article_body(text: str) -> str:
    """The article without its leading "第十九条": the label already says it."""
    head, _, rest = text.strip().partition(" ")
    numbered = head.startswith("第") and head.endswith(("条", "条之一", "条之二"))
    return rest.strip() if numbered and rest else text.strip()


def _choose(candidates: list[Candidate], options: AnswerOptions) -> list[Candidate]:
    """The best sentences, read in passage order so that an article or paragraph reads naturally."""
    best = candidates[0].score
    kept = [c for c in candidates[: options.max_sentences] if c.score >= options.keep_ratio * best]
    first_passage = kept[0].hit_index
    return sorted(kept, key=lambda c: (c.hit_index != first_passage, c.hit_index, c.position))
