"""Matching what a question names (a place, a year, a law) against document metadata."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from rag.ingest.catalog import place_names
from rag.text.normalize import normalise, years
from rag.text.numerals import ARTICLE_REF
from rag.types import DocMeta

_ARTICLE = re.compile(ARTICLE_REF)
PARENT_SHARE = 0.3  # naming the city of a town's report is a weaker hint than naming the town


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
    """Bonuses for a question that names a document's place, year or law, or an article's number."""

    def __init__(self, chunk_metas: Sequence[DocMeta], chunk_labels: Sequence[str] = ()) -> None:
        unique = list(dict.fromkeys(chunk_metas))
        position = {meta: i for i, meta in enumerate(unique)}
        self._chunk_doc = np.array([position[m] for m in chunk_metas], dtype=np.int64)
        self._own = [own_names(m) for m in unique]
        self._parents = [parent_names(m) for m in unique]
        self._years = [document_years(m) for m in unique]
        self._by_article: dict[str, list[int]] = {}
        for row, label in enumerate(chunk_labels):
            for article in _ARTICLE.findall(label):
                self._by_article.setdefault(article, []).append(row)

    def bonus(self, query: str, place_weight: float, year_weight: float) -> npt.NDArray[np.float32]:
        text = normalise(query)
        asked_years = years(text)
        per_doc = np.array([
            place_weight * _named(text, own, parents) + year_weight * bool(asked_years & doc_years)
            for own, parents, doc_years in zip(self._own, self._parents, self._years, strict=True)
        ], dtype=np.float32)
        return per_doc[self._chunk_doc] if len(per_doc) else np.zeros(0, dtype=np.float32)

    def article_bonus(self, query: str, weight: float, size: int) -> npt.NDArray[np.float32]:
        """"第五十四条" in the question: that article of each law (the law bonus picks the law)."""
        bonus = np.zeros(size, dtype=np.float32)
        for article in set(_ARTICLE.findall(query)):
            bonus[self._by_article.get(article, [])] = weight
        return bonus


def _named(text: str, own: set[str], parents: set[str]) -> float:
    if any(name in text for name in own):
        return 1.0
    return PARENT_SHARE if any(name in text for name in parents) else 0.0
