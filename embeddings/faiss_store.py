"""Exact inner-product search with FAISS; row i of the index is chunk i."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import numpy.typing as npt

from rag.errors import IndexStateError
from rag.protocols import Vectors

FILE_NAME = "vectors.faiss"


class FaissStore:
    """A flat index: exact, and fast enough for a few hundred thousand chunks on CPU."""

    def __init__(self, dim: int, index: faiss.Index | None = None) -> None:
        self.dim = dim
        self._index = index if index is not None else faiss.IndexFlatIP(dim)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    def add(self, vectors: Vectors) -> None:
        if vectors.shape[1] != self.dim:
            raise ValueError(f"vectors have dimension {vectors.shape[1]}, index expects {self.dim}")
        self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def search(self, queries: Vectors, k: int) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        k = min(k, self.size)
        scores, ids = self._index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return scores, ids

    def reconstruct(self, row: int) -> Vectors:
        return np.asarray(self._index.reconstruct(row), dtype=np.float32)

    def save(self, directory: Path) -> None:
        faiss.write_index(self._index, str(directory / FILE_NAME))


def load_faiss_store(directory: Path, dim: int) -> FaissStore:
    path = directory / FILE_NAME
    try:
        index = faiss.read_index(str(path))
    except RuntimeError as exc:
        raise IndexStateError(f"{path} is unreadable ({exc}); rebuild with 'lawqa index'") from exc
    if index.d != dim:
        raise IndexStateError(f"{path} has dimension {index.d}, the model gives {dim}; run 'lawqa index'")
    return FaissStore(dim, index)
