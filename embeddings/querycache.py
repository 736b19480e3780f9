"""A bounded LRU of query vectors, so a repeated question skips the encoder (most of a search's time)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from rag.protocols import Encoder, Vectors


class CachedQueryEncoder:
    """Wraps an encoder; `encode_queries` answers from the cache per text, documents are never cached."""

    def __init__(self, encoder: Encoder, size: int) -> None:
        if size < 1:
            raise ValueError(f"a query cache needs room for at least one vector, not {size}")
        self._encoder = encoder
        self._size = size
        self._vectors: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()
        self.name, self.dim = encoder.name, encoder.dim
        self.hits = 0
        self.misses = 0

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        found = [self._get(text) for text in texts]
        missing = [text for text, vector in zip(texts, found, strict=True) if vector is None]
        fresh = iter(self._encoder.encode_queries(missing)) if missing else iter(())
        rows = [vector if vector is not None else self._put(text, next(fresh))
                for text, vector in zip(texts, found, strict=True)]
        return np.stack(rows) if rows else np.zeros((0, self.dim), dtype=np.float32)

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        return self._encoder.encode_documents(texts)

    def _get(self, text: str) -> Vectors | None:
        with self._lock:
            vector = self._vectors.get(text)
            if vector is None:
                self.misses += 1
                return None
            self._vectors.move_to_end(text)
            self.hits += 1
            return vector

    def _put(self, text: str, vector: Vectors) -> Vectors:
        vector = np.array(vector, dtype=np.float32)  # a copy: callers may not change what the cache holds
        vector.flags.writeable = False
        with self._lock:
            self._vectors[text] = vector
            self._vectors.move_to_end(text)
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)
        return vector
