"""Matching what a question names (a place, a year, a law) against document metadata."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from rag.ingest.catalog import place_names
from rag.text.normalize import normalise, years
from rag.text.numerals import ARTICLE_REF
from rag.types import DocMeta

_ARTICLE = re.compile(ARTICLE_REF)
PARENT_SHARE = 0.3  # naming the city of a town's report is a weaker hint than naming the town
# "坦洲镇在推跨域通办，那江门全市有多少项……": after "，那" comes what is asked; the clause before it only
# sets the scene, so the place and year it names do not point to the documents that answer.
_ASKED_AFTER = re.compile(r"[，,]\s*那(?:么)?(?![个些里儿种样家边时天年位])(?=[^，,]{4,})")  # not 那个, 那里 ...


def asked_clause(question: str) -> str:
    """The part of the question that asks, without a scene-setting clause before "，那"."""
    parts = _ASKED_AFTER.split(question)
    return parts[-1] if len(parts) > 1 else question


def own_names(meta: DocMeta) -> set[str]:
    """Names that single this document out: a law's titles, else its most specific place."""
    if meta.kind == "statute":
        return {meta.title, meta.short_title} - {""}
    places = place_names(meta.place)
    return {places[-1]} if places else set()


def parent_names(meta: DocMeta) -> set[str]:
    """Weaker hints: the places a report's town lies in, or a local regulation's province."""
    places = place_names(meta.place)
    return set(places) - {"全国"} if meta.kind == "statute" else set(places[:-1])


def document_years(meta: DocMeta) -> set[str]:
    return years(f"{meta.date} {meta.title}")


class MetadataMatcher:
    """Bonuses for a question that names a document's place, year or law, or an article's number.

    Names are looked up by the question's substrings, so the cost of a query grows with the
    question's length, not with the number of documents.
    """

    def __init__(self, chunk_metas: Sequence[DocMeta], chunk_labels: Sequence[str] = (),
                 chunk_doc: npt.NDArray[np.int32] | None = None) -> None:
        """`chunk_metas` per chunk; or, with `chunk_doc` (each chunk's index into it), one per document."""
        if chunk_doc is None:
            unique = list(dict.fromkeys(chunk_metas))
            position = {meta: i for i, meta in enumerate(unique)}
            chunk_doc = np.array([position[m] for m in chunk_metas], dtype=np.int32)
            chunk_metas = unique
        self._chunk_doc = chunk_doc
        self._docs = len(chunk_metas)
        self._own = _NameIndex(own_names(m) for m in chunk_metas)
        self._parents = _NameIndex(parent_names(m) for m in chunk_metas)
        self._years = _NameIndex(document_years(m) for m in chunk_metas)
        by_article: dict[str, list[int]] = {}
        for row, label in enumerate(chunk_labels):
            for article in _ARTICLE.findall(label):
                by_article.setdefault(article, []).append(row)
        self._by_article = {article: np.array(rows, dtype=np.int64) for article, rows in by_article.items()}
        self._named = functools.lru_cache(maxsize=16)(self._look_up)

    def bonus(self, query: str, place_weight: float, year_weight: float) -> npt.NDArray[np.float32]:
        named, asked = self._named(query)
        per_doc = (place_weight * named + year_weight * asked).astype(np.float32)
        if not per_doc.any():
            return np.zeros(len(self._chunk_doc), dtype=np.float32)
        bonus: npt.NDArray[np.float32] = per_doc[self._chunk_doc]
        return bonus

    def _look_up(self, query: str) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
        """Per document: 1 if the question names it, PARENT_SHARE if it names where it lies; and whether it
        names its year. Kept for the last few questions: a search asks twice, with different weights
        (the statute ranker's law feature and the retriever's bonus), and each look-up costs 0.1 ms."""
        text = normalise(asked_clause(query))
        own, parents = self._own.named_in(text, self._docs), self._parents.named_in(text, self._docs)
        asked = np.zeros(self._docs, dtype=bool)
        for year in years(text):
            asked[self._years.docs_of(year)] = True
        named = np.where(own, 1.0, np.where(parents, PARENT_SHARE, 0.0))
        named.flags.writeable = asked.flags.writeable = False  # shared by every caller of the cache
        return named, asked

    def article_bonus(self, query: str, weight: float, size: int) -> npt.NDArray[np.float32]:
        """"第五十四条" in the question: that article of each law (the law bonus picks the law)."""
        bonus = np.zeros(size, dtype=np.float32)
        for article in set(_ARTICLE.findall(query)):
            bonus[self._by_article.get(article, np.zeros(0, dtype=np.int64))] = weight
        return bonus


class _NameIndex:
    """name -> the documents it names, for finding every name that occurs in a text."""

    def __init__(self, names_per_doc: Iterable[set[str]]) -> None:
        docs: dict[str, list[int]] = {}
        for doc, names in enumerate(names_per_doc):
            for name in names:
                docs.setdefault(name, []).append(doc)
        self._docs = {name: np.array(rows, dtype=np.int64) for name, rows in docs.items()}
        self._lengths = sorted({len(name) for name in docs})

    def docs_of(self, name: str) -> npt.NDArray[np.int64]:
        return self._docs.get(name, np.zeros(0, dtype=np.int64))

    def named_in(self, text: str, size: int) -> npt.NDArray[np.bool_]:
        """Per document: does `text` contain one of its names?"""
        found = np.zeros(size, dtype=bool)
        for length in self._lengths:
            for start in range(len(text) - length + 1):
                rows = self._docs.get(text[start:start + length])
                if rows is not None:
                    found[rows] = True
        return found
