"""Okapi BM25 over jieba tokens, stored as term -> chunk postings that load memory-mapped.

Each posting holds its chunk row and its BM25 impact, idf x tf-saturation
with the length norm, computed once at build with the same float32 steps a
query used to take, so scores are unchanged and a query only sums the
postings of its own terms. The arrays are plain .npy files: loading maps
them (nothing is read or decompressed up front, whatever the size) and only
the posting lists of asked terms are paged in.

Files: bm25.json (parameters, row count, terms in id order) and
bm25.indptr.npy, bm25.docs.npy, bm25.impacts.npy. Indexes written before
this format (bm25.npz + bm25_vocab.json, raw term frequencies) still load.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

META_NAME = "bm25.json"
ARRAYS = ("indptr", "docs", "impacts")
LEGACY_NAME, LEGACY_VOCAB = "bm25.npz", "bm25_vocab.json"
_BLOCK = 50_000  # chunks counted per step while building, so memory grows with postings, not Python objects

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class BM25Index:
    vocab: dict[str, int]
    indptr: IntArray  # postings of term t are rows indptr[t]:indptr[t+1]
    doc_ids: npt.NDArray[np.int32]
    impacts: FloatArray
    rows: int
    k1: float = 1.2
    b: float = 0.75

    @classmethod
    def build(cls, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> BM25Index:
        vocab: dict[str, int] = {}
        terms, docs, freqs = [], [], []
        for start in range(0, len(documents), _BLOCK):
            block_terms, block_docs, block_freqs = _count_block(documents[start:start + _BLOCK], start, vocab)
            terms.append(block_terms)
            docs.append(block_docs)
            freqs.append(block_freqs)
        term_of = np.concatenate(terms) if terms else np.zeros(0, np.int32)
        order = np.argsort(term_of, kind="stable")  # by term, chunks in order within a term
        indptr = np.concatenate([[0], np.cumsum(np.bincount(term_of, minlength=len(vocab)))]).astype(np.int64)
        doc_ids = np.concatenate(docs)[order] if docs else np.zeros(0, np.int32)
        tf = np.concatenate(freqs)[order] if freqs else np.zeros(0, np.float32)
        lengths = np.array([len(tokens) for tokens in documents], dtype=np.float32)
        impacts = _impacts(indptr, doc_ids, tf, lengths, k1, b)
        return cls(vocab, indptr, doc_ids, impacts, len(documents), k1, b)

    @property
    def size(self) -> int:
        return self.rows

    def idf(self, term_id: int) -> float:
        df = self.indptr[term_id + 1] - self.indptr[term_id]
        return float(np.log(1.0 + (self.size - df + 0.5) / (df + 0.5)))

    def idf_of(self, term: str) -> float:
        term_id = self.vocab.get(term)
        return self.idf(term_id) if term_id is not None else self.idf_unseen

    @property
    def idf_unseen(self) -> float:
        """IDF of a term no chunk contains: the highest possible."""
        return float(np.log(1.0 + (self.size + 0.5) / 0.5))

    def scores(self, query: Sequence[str], weights: Mapping[str, float] | None = None) -> FloatArray:
        """BM25 score of every chunk for the (deduplicated) query tokens, each weighted (default 1)."""
        total = np.zeros(self.size, dtype=np.float32)
        for term in dict.fromkeys(query):
            term_id = self.vocab.get(term)
            if term_id is None:
                continue
            rows = slice(self.indptr[term_id], self.indptr[term_id + 1])
            weight = weights.get(term, 1.0) if weights else 1.0
            impact = self.impacts[rows]
            total[self.doc_ids[rows]] += impact if weight == 1.0 else weight * impact
        return total

    def save(self, directory: Path) -> None:
        meta = {"k1": self.k1, "b": self.b, "rows": self.rows, "terms": list(self.vocab)}
        (directory / META_NAME).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        arrays: tuple[npt.NDArray[np.generic], ...] = (self.indptr, self.doc_ids, self.impacts)
        for name, array in zip(ARRAYS, arrays, strict=True):
            np.save(directory / f"bm25.{name}.npy", array)

    @classmethod
    def load(cls, directory: Path) -> BM25Index:
        if not (directory / META_NAME).exists() and (directory / LEGACY_NAME).exists():
            return _load_legacy(directory)
        meta = json.loads((directory / META_NAME).read_text(encoding="utf-8"))
        indptr, doc_ids, impacts = (load_mapped(directory / f"bm25.{name}.npy") for name in ARRAYS)
        return cls({t: i for i, t in enumerate(meta["terms"])}, indptr, doc_ids, impacts, int(meta["rows"]),
                   float(meta["k1"]), float(meta["b"]))


def load_mapped(path: Path) -> npt.NDArray[Any]:
    """A .npy file memory-mapped, as a plain ndarray over the mapping: slicing an np.memmap runs Python
    code for every slice (__array_finalize__), 0.3 ms of a search over a question's postings."""
    return np.asarray(np.load(path, mmap_mode="r"))


def _count_block(documents: Sequence[Sequence[str]], first: int, vocab: dict[str, int]
                 ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], FloatArray]:
    """(term id, chunk row, term frequency) of every distinct term of each chunk; grows `vocab`."""
    terms: list[int] = []
    docs: list[int] = []
    freqs: list[int] = []
    for row, tokens in enumerate(documents, start=first):
        counts = Counter(tokens)
        terms.extend(vocab.setdefault(term, len(vocab)) for term in counts)
        freqs.extend(counts.values())
        docs.extend([row] * len(counts))
    return np.array(terms, np.int32), np.array(docs, np.int32), np.array(freqs, np.float32)


def _impacts(indptr: IntArray, doc_ids: npt.NDArray[np.int32], tf: FloatArray, lengths: FloatArray,
             k1: float, b: float) -> FloatArray:
    """idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / mean length)), in float32 as queries did."""
    rows = len(lengths)
    df = np.diff(indptr)
    idf = np.log(1.0 + (rows - df + 0.5) / (df + 0.5)).astype(np.float32)
    average = float(lengths.mean()) if rows else 1.0
    norm = k1 * (1 - b + b * lengths[doc_ids] / average)
    impacts: FloatArray = (np.repeat(idf, df) * tf * (k1 + 1) / (tf + norm)).astype(np.float32)
    return impacts


def _load_legacy(directory: Path) -> BM25Index:
    arrays = np.load(directory / LEGACY_NAME)
    terms = json.loads((directory / LEGACY_VOCAB).read_text(encoding="utf-8"))
    k1, b = (float(x) for x in arrays["params"])
    indptr, lengths = arrays["indptr"], arrays["doc_lengths"].astype(np.float32)
    doc_ids = arrays["doc_ids"].astype(np.int32)
    impacts = _impacts(indptr, doc_ids, arrays["term_freqs"].astype(np.float32), lengths, k1, b)
    return BM25Index({t: i for i, t in enumerate(terms)}, indptr, doc_ids, impacts, len(lengths), k1, b)
