"""Interfaces `rag/` calls without importing any model or vector library."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Encoder(Protocol):
    """Turns text into L2-normalised vectors; queries and passages may differ."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode_queries(self, texts: Sequence[str]) -> Vectors: ...

    def encode_documents(self, texts: Sequence[str]) -> Vectors: ...


class VectorSearch(Protocol):
    """Inner-product search where row i is chunk i of the index: what the Retriever needs."""

    @property
    def size(self) -> int: ...

    def search(self, queries: Vectors, k: int) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        """Return (scores, row ids), each of shape (len(queries), k); id -1 pads."""
        ...


class VectorStore(VectorSearch, Protocol):
    """A vector search that `lawqa index` fills and saves into the index directory (FAISS)."""

    def add(self, vectors: Vectors) -> None: ...

    def save(self, directory: Path) -> None: ...


class KeywordIndex(Protocol):
    """BM25 over the jieba tokens of each chunk; row i is chunk i, as in the VectorStore.

    Met by the in-memory `rag.search.lexical.BM25Index` and by a search service's
    full-text index (Milvus, in `embeddings/`).
    """

    @property
    def size(self) -> int: ...

    def scores(self, query: Sequence[str], weights: Mapping[str, float] | None = None) -> Vectors:
        """BM25 score of every chunk (shape (size,)) for the deduplicated query tokens, each weighted (default 1)."""
        ...

    def idf_of(self, term: str) -> float:
        """IDF of a token; a token no chunk contains gets the highest possible."""
        ...


@dataclass(frozen=True)
class ChatMessage:
    role: Literal["system", "user", "assistant"]
    content: str


class Generator(Protocol):
    """A chat language model; both verbs raise GenerationError on timeout, failure or a malformed reply."""

    @property
    def model(self) -> str: ...

    def complete(self, messages: Sequence[ChatMessage]) -> str: ...

    def stream(self, messages: Sequence[ChatMessage]) -> Iterator[str]:
        """The reply in pieces as they arrive."""
        ...
