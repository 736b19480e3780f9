"""Which passages hold which two-character runs of Chinese text, for the statute ranker's phrase feature.

A lay question shares few whole words with the article that answers it, but it often repeats a
phrase of it: "学校不得对未成年学生实施什么行为" and 第二十七条 "不得对未成年人实施体罚…的行为".
jieba cuts both into common words ("不得", "实施", "行为") that half the law holds; the run
"不得对未成年" survives only as characters. The feature is the IDF-weighted share of the question's
character bigrams that a passage contains, over the article text.

Stored beside the BM25 files as bigrams.keys.npy (sorted bigram codes), bigrams.indptr.npy and
bigrams.rows.npy (the passages holding bigram i are rows[indptr[i]:indptr[i + 1]], ascending), loaded
memory-mapped. Written for collections of statutes only, the ones the statute ranker serves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from rag.search.lexical import load_mapped

ARRAYS = ("keys", "indptr", "rows")
FIRST, LAST = 0x4E00, 0x9FFF  # CJK Unified Ideographs: the characters a bigram is made of
SPAN = LAST - FIRST + 1

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class CharBigrams:
    keys: IntArray
    indptr: IntArray
    rows: npt.NDArray[np.int32]
    size: int  # passages

    @classmethod
    def build(cls, texts: Sequence[str]) -> CharBigrams:
        size = len(texts)
        codes, owner = _codes(texts)
        bigrams, owners = _bigrams(codes, owner)
        pairs = np.sort(bigrams * size + owners)
        pairs = pairs[np.diff(pairs, prepend=-1) != 0]  # (bigram, row) once each; np.unique is 50 x slower here
        keys, rows = pairs // max(size, 1), (pairs % max(size, 1)).astype(np.int32)
        starts = np.flatnonzero(np.diff(keys, prepend=-1))  # keys are sorted: where each bigram's rows begin
        return cls(keys[starts], np.append(starts, len(keys)).astype(np.int64), rows, size)

    @classmethod
    def exists(cls, directory: Path) -> bool:
        return all(_path(directory, name).exists() for name in ARRAYS)

    @classmethod
    def load(cls, directory: Path, size: int) -> CharBigrams:
        keys, indptr, rows = (load_mapped(_path(directory, name)) for name in ARRAYS)
        return cls(keys, indptr, rows, size)

    def save(self, directory: Path) -> None:
        for name in ARRAYS:
            np.save(_path(directory, name), getattr(self, name))

    def coverage(self, text: str, rows: IntArray) -> FloatArray:
        """Per passage of `rows` (ascending): the IDF-weighted share of `text`'s bigrams it holds. A bigram
        no passage holds counts with the highest IDF, so a question of unknown words covers little."""
        asked = np.unique(_bigrams(*_codes([text]))[0])
        covered = np.zeros(len(rows), dtype=np.float64)
        if not len(asked) or not len(self.keys):
            return covered.astype(np.float32)
        at = np.minimum(np.searchsorted(self.keys, asked), len(self.keys) - 1)
        known = self.keys[at] == asked
        counts = np.where(known, self.indptr[at + 1] - self.indptr[at], 0)
        idf = np.log((self.size + 1) / (counts + 0.5))
        for j in np.flatnonzero(known):
            posting = self.rows[self.indptr[at[j]]:self.indptr[at[j] + 1]]
            where = np.minimum(np.searchsorted(posting, rows), len(posting) - 1)
            covered += idf[j] * (posting[where] == rows)
        share: FloatArray = (covered / idf.sum()).astype(np.float32)
        return share


def _codes(texts: Sequence[str]) -> tuple[IntArray, IntArray]:
    """The code points of all texts, joined by a separator that is no Chinese character, and each one's text."""
    # surrogatepass: a lone surrogate in a damaged file is one code point here too, not an encoding error
    joined = "\x00".join(texts).encode("utf-32-le", "surrogatepass")
    codes = np.frombuffer(joined, dtype=np.uint32).astype(np.int64)
    lengths = np.array([len(text) + 1 for text in texts], dtype=np.int64)
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)[:len(codes)]
    return codes, owner


def _bigrams(codes: IntArray, owner: IntArray) -> tuple[IntArray, IntArray]:
    """Each pair of adjacent Chinese characters as one code, and the text it is in."""
    han = (codes >= FIRST) & (codes <= LAST)
    both = han[:-1] & han[1:]
    return (codes[:-1][both] - FIRST) * SPAN + (codes[1:][both] - FIRST), owner[:-1][both]


def _path(directory: Path, name: str) -> Path:
    return directory / f"bigrams.{name}.npy"
