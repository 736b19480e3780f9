"""jieba tokenisation for keyword search.

Text is folded first (traditional -> simplified, full-width -> ASCII), cut in
jieba's search mode (a long word also yields its sub-words, so "行政复议庭"
matches "行政复议"), and stripped of punctuation and function words.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from functools import cached_property

import jieba

from rag.text.normalize import normalise
from rag.text.numerals import CN_DIGITS, normalize_article_refs
from rag.text.stopwords import STOPWORDS

_KEEP = re.compile(r"[\w%.]+")
# "第五十四条", "第一千二百六十条之一": kept whole, since jieba cuts long numerals apart.
_ARTICLE_REF = re.compile(rf"第[{CN_DIGITS}]+[条章节编款项](?:之[一二三四五六七八九十]+)?")


class Tokenizer:
    """One jieba dictionary per instance; extra words (place names, law titles) are added whole."""

    def __init__(self, extra_words: Iterable[str] = (), stopwords: frozenset[str] = STOPWORDS) -> None:
        self._extra_words = tuple(extra_words)
        self._stopwords = stopwords

    @cached_property
    def _jieba(self) -> jieba.Tokenizer:
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for word in self._extra_words:
            tokenizer.add_word(word)
        return tokenizer

    def tokens(self, text: str) -> list[str]:
        folded = normalize_article_refs(unicodedata.normalize("NFKC", normalise(text)).lower())
        words = [
            token
            for token in self._jieba.cut_for_search(folded)
            if _KEEP.fullmatch(token) and token not in self._stopwords
        ]
        return words + _ARTICLE_REF.findall(folded)

    def word_starts(self, text: str) -> set[int]:
        """Offsets in `text` (as given, not folded) at which jieba's plain cut starts a word."""
        return {start for _, start, _ in self._jieba.tokenize(text)}
