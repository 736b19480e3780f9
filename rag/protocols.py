"""Interfaces `rag/` calls without importing any model or vector library."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

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


class VectorStore(Protocol):
    """Inner-product search where row i is chunk i of the index."""

    @property
    def size(self) -> int: ...

    def add(self, vectors: Vectors) -> None: ...

    def search(self, queries: Vectors, k: int) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        """Return (scores, row ids), each of shape (len(queries), k); id -1 pads."""
        ...

    def save(self, directory: Path) -> None: ...
