"""Test doubles, named as such. Only the unit tests use them; integration tests use the real model."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.protocols import Encoder, Vectors


class FakeKeywordEncoder:
    """FAKE encoder: 4 hand-written dimensions, one per keyword, so unit tests can reason about cosines."""

    name = "fake/4d"
    dim = 4
    KEYWORDS = ("复议", "援助", "调解", "执法")

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> Vectors:
        rows = np.array([[1.0 + text.count(k) for k in self.KEYWORDS] for text in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


class InterruptingEncoder:
    """FAKE interruption: delegates to a real encoder, then raises after `batches` calls, like a killed build."""

    def __init__(self, encoder: Encoder, batches: int) -> None:
        self._encoder = encoder
        self._left = batches
        self.name, self.dim = encoder.name, encoder.dim
        self.calls = 0

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encoder.encode_queries(texts)

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        if self._left == 0:
            raise KeyboardInterrupt("simulated interruption")
        self._left -= 1
        self.calls += 1
        return self._encoder.encode_documents(texts)
