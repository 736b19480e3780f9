"""Okapi BM25 over jieba tokens, stored as a compressed sparse term -> chunk matrix."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

FILE_NAME = "bm25.npz"
VOCAB_NAME = "bm25_vocab.json"

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class BM25Index:
    vocab: dict[str, int]
    indptr: IntArray  # postings of term t are rows indptr[t]:indptr[t+1]
    doc_ids: IntArray
    term_freqs: FloatArray
    doc_lengths: FloatArray
    k1: float = 1.2
    b: float = 0.75

    @classmethod
    def build(cls, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> BM25Index:
        postings: dict[str, list[tuple[int, int]]] = {}
        for doc_id, tokens in enumerate(documents):
            for term, count in Counter(tokens).items():
                postings.setdefault(term, []).append((doc_id, count))
        vocab = {term: i for i, term in enumerate(postings)}
        lengths = [len(postings[t]) for t in vocab]
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        flat = [pair for term in vocab for pair in postings[term]]
        doc_ids = np.array([d for d, _ in flat], dtype=np.int64)
        freqs = np.array([c for _, c in flat], dtype=np.float32)
        doc_lengths = np.array([len(tokens) for tokens in documents], dtype=np.float32)
        return cls(vocab, indptr, doc_ids, freqs, doc_lengths, k1, b)

    @property
    def size(self) -> int:
        return len(self.doc_lengths)

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
        average = float(self.doc_lengths.mean()) if self.size else 1.0
        for term in dict.fromkeys(query):
            term_id = self.vocab.get(term)
            if term_id is None:
                continue
            rows = slice(self.indptr[term_id], self.indptr[term_id + 1])
            docs, tf = self.doc_ids[rows], self.term_freqs[rows]
            norm = self.k1 * (1 - self.b + self.b * self.doc_lengths[docs] / average)
            weight = weights.get(term, 1.0) if weights else 1.0
            total[docs] += weight * self.idf(term_id) * tf * (self.k1 + 1) / (tf + norm)
        return total

    def save(self, directory: Path) -> None:
        np.savez_compressed(directory / FILE_NAME, indptr=self.indptr, doc_ids=self.doc_ids,
                            term_freqs=self.term_freqs, doc_lengths=self.doc_lengths,
                            params=np.array([self.k1, self.b]))
        (directory / VOCAB_NAME).write_text(json.dumps(list(self.vocab), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> BM25Index:
        arrays = np.load(directory / FILE_NAME)
        terms = json.loads((directory / VOCAB_NAME).read_text(encoding="utf-8"))
        k1, b = (float(x) for x in arrays["params"])
        return cls({t: i for i, t in enumerate(terms)}, arrays["indptr"], arrays["doc_ids"],
                   arrays["term_freqs"], arrays["doc_lengths"], k1, b)
