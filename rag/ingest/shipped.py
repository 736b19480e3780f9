"""Passage vectors shipped with lawqa, so the national laws are searchable minutes after install.

Embedding ~25k articles takes most of an hour on two cores. `lawqa vectors export`
writes the vectors of a built collection as one `.npz`: the cache keys
(sha256 of encoder name and passage text, as in `rag.ingest.embedcache`) and a
float16 matrix. A build looks every passage up there first and embeds only what
is not covered, so an edited or added law file still gets a correct vector, and
a different encoder simply finds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rag.protocols import Vectors


class ShippedVectors:
    """A read-only key -> vector table loaded from an exported `.npz`."""

    def __init__(self, keys: Sequence[str], vectors: Vectors) -> None:
        if len(keys) != len(vectors):
            raise ValueError(f"{len(keys)} keys but {len(vectors)} vectors")
        self._rows = {key: row for row, key in enumerate(keys)}
        self._vectors = vectors

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, key: str) -> bytes | None:
        row = self._rows.get(key)
        if row is None:
            return None
        vector = self._vectors[row].astype(np.float32)
        norm = float(np.linalg.norm(vector)) or 1.0  # float16 rounding: restore unit length
        return bytes((vector / norm).astype(np.float32).tobytes())

    @classmethod
    def load(cls, paths: Sequence[Path]) -> ShippedVectors:
        keys: list[str] = []
        parts = []
        for path in paths:
            with np.load(path) as data:
                keys.extend(bytes(k).hex() for k in data["keys"])
                parts.append(data["vectors"])
        return cls(keys, np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float16))


def export_vectors(path: Path, keys: Sequence[str], vectors: Vectors) -> None:
    """Write unique keys with their vectors as float16 (half the size; cosines move by ~1e-3)."""
    unique = dict(zip(keys, range(len(keys)), strict=True))
    rows = list(unique.values())
    path.parent.mkdir(parents=True, exist_ok=True)
    raw_keys = np.array([bytes.fromhex(k) for k in unique], dtype="S32")
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez_compressed(tmp, keys=raw_keys, vectors=vectors[rows].astype(np.float16))
    tmp.replace(path)
