"""How well a sentence or passage covers a question, and whether to trust an answer.

Coverage counts the question's jieba terms found in the text, weighted by IDF
from the keyword index (rare words decide), blended with character-bigram
overlap, which survives paraphrase and segmentation differences. An everyday
word counts as found where the text has what the statutes call it
(`equivalents`, rag/search/colloquial.tsv: 周末 is there in "休息日").

Two constraints come before any score:
- a year named in the question must be in the sentence used, or in the
  heading or title that scopes it ("鹤山2025年……" cannot be answered by a
  2022 figure);
- the top passage must be semantically near at all: e5 cosines between
  unrelated Chinese texts sit around 0.80-0.86 (see MODELS.md), so relevance
  rises linearly from `DENSE_FLOOR` to 1 at `DENSE_FLOOR + DENSE_SPAN`.

confidence = relevance x mean(passage coverage, sentence coverage); the
abstention threshold on it is chosen by cross-validation (`lawqa calibrate`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rag.text.normalize import normalise
from rag.text.numerals import normalize_article_refs
from rag.text.stopwords import STOPWORDS
from rag.text.tokenize import Tokenizer
from rag.types import DocMeta, Hit

_NOT_CONTENT = re.compile(r"[\W_]+")
TERM_SHARE = 0.6  # the rest of a coverage score comes from character bigrams
RANK_PRIOR = 0.25  # a sentence from the best passage outranks an equal one further down
DENSE_FLOOR = 0.82
DENSE_SPAN = 0.06


@dataclass(frozen=True)
class Evidence:
    confidence: float
    relevance: float
    passage_coverage: float
    sentence_coverage: float


def scope_text(hit: Hit, meta: DocMeta) -> str:
    """What scopes every sentence of a passage: its headings, label and document title."""
    return " ".join([*hit.chunk.section, hit.chunk.label, meta.title])


class EvidenceScorer:
    def __init__(self, tokenizer: Tokenizer, idf: Callable[[str], float],
                 equivalents: Mapping[str, Sequence[str]] | None = None) -> None:
        """`equivalents`: everyday word -> the phrases the statutes use for it (rag.search.colloquial)."""
        self._tokenizer = tokenizer
        self._idf = idf
        self._equivalents = {folded_for_terms(word): tuple(folded_for_terms(p) for p in phrases)
                             for word, phrases in (equivalents or {}).items()}
        # An answer scores dozens of sentences against one question: analyse the question once.
        self._asked = lru_cache(maxsize=256)(self._analyse)
        # A question term is present in a text when the folded text contains it: jieba's search mode
        # already yields sub-words, and cutting every sentence, clause and window again cost most of
        # the answer step's time.
        self._present = lru_cache(maxsize=4096)(folded_for_terms)
        self._text_bigrams = lru_cache(maxsize=4096)(lambda text: frozenset(_bigrams(text)))

    def _analyse(self, question: str) -> tuple[dict[str, float], frozenset[str]]:
        """The question's terms with their IDF weights, and its character bigrams."""
        return {t: self._idf(t) for t in set(self._tokenizer.tokens(question))}, frozenset(_bigrams(question))

    def coverage(self, question: str, text: str) -> float:
        weights, bigrams = self._asked(question)
        if not weights:
            return 0.0
        present = self._present(text)
        term_share = sum(w for t, w in weights.items() if self._found(t, present)) / (sum(weights.values()) or 1.0)
        bigram_share = len(bigrams & self._text_bigrams(text)) / len(bigrams) if bigrams else 0.0
        return TERM_SHARE * term_share + (1 - TERM_SHARE) * bigram_share

    def missing_share(self, phrase: str, text: str) -> float:
        """The IDF share of the phrase's weightiest word that the text lacks (0 when all are present)."""
        weights, _ = self._asked(phrase)
        total = sum(weights.values())
        if not total:
            return 0.0
        present = self._present(text)
        return max((w for t, w in weights.items() if not self._found(t, present) and len(t) >= 2), default=0.0) / total

    def _found(self, term: str, present: str) -> bool:
        return term in present or any(phrase in present for phrase in self._equivalents.get(term, ()))

    def head(self, phrase: str) -> str:
        """The phrase's last word of two or more characters: the head noun of "行政复议纠错率" is 纠错率."""
        words = [w for w in self._tokenizer.tokens(phrase) if len(w) >= 2]
        # jieba's search mode yields sub-words first and the whole word after them: keep the longest at the end.
        return max(reversed(words), key=lambda w: (phrase.rfind(w) + len(w), len(w)), default="")

    @staticmethod
    def rank_prior(hit: Hit, top_score: float) -> float:
        return RANK_PRIOR * (hit.score / top_score) if top_score > 0 else 0.0

    @staticmethod
    def relevance(top: Hit) -> float:
        if top.dense_score is None:
            return 1.0
        return min(1.0, max(0.0, (top.dense_score - DENSE_FLOOR) / DENSE_SPAN))

    def evidence(self, question: str, top: Hit, passage: Hit, meta: DocMeta, sentence_coverage: float) -> Evidence:
        passage_coverage = self.coverage(question, f"{passage.chunk.text} {scope_text(passage, meta)}")
        relevance = self.relevance(top)
        confidence = relevance * (passage_coverage + sentence_coverage) / 2
        return Evidence(confidence, relevance, passage_coverage, sentence_coverage)


def folded_for_terms(text: str) -> str:
    """The text as the tokenizer folds it before cutting, so that its terms can be looked up as substrings."""
    return normalize_article_refs(unicodedata.normalize("NFKC", normalise(text)).lower())


def _bigrams(text: str) -> set[str]:
    folded = _NOT_CONTENT.sub(" ", unicodedata.normalize("NFKC", normalise(text)).lower())
    grams = {w[i:i + 2] for w in folded.split() for i in range(len(w) - 1)}
    return {g for g in grams if not set(g) <= STOPWORDS}
