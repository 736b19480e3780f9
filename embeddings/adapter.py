"""A linear query adapter over a frozen encoder, fitted on (question, relevant passage) pairs.

Questions from non-lawyers and statute text live in different corners of the
embedding space. A ridge regression pulled towards the identity,
    W = argmin ||Q W - P||² + λ ||W - I||²  =  (QᵀQ + λI)⁻¹ (QᵀP + λI),
maps question vectors towards the vectors of the passages that answer them.
Passages are untouched, so the index need not be rebuilt.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.protocols import Encoder, Vectors


def fit_adapter(questions: Vectors, passages: Vectors, ridge: float) -> Vectors:
    dim = questions.shape[1]
    gram = questions.T @ questions + ridge * np.eye(dim, dtype=np.float32)
    target = questions.T @ passages + ridge * np.eye(dim, dtype=np.float32)
    return np.linalg.solve(gram, target).astype(np.float32)


class AdaptedEncoder:
    """Wraps an encoder: queries go through W and are re-normalised; documents are unchanged."""

    def __init__(self, encoder: Encoder, matrix: Vectors) -> None:
        if matrix.shape != (encoder.dim, encoder.dim):
            raise ValueError(f"adapter is {matrix.shape}, encoder dimension is {encoder.dim}")
        self._encoder = encoder
        self._matrix = matrix
        self.name, self.dim = encoder.name, encoder.dim

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        mapped = self._encoder.encode_queries(texts) @ self._matrix
        normalised: Vectors = (mapped / np.linalg.norm(mapped, axis=1, keepdims=True)).astype(np.float32)
        return normalised

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        return self._encoder.encode_documents(texts)
