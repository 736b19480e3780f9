"""A content-addressed store of passage vectors, so nothing is embedded twice.

Keys are sha256(encoder name, text). Vectors are committed batch by batch, so
an interrupted build resumes where it stopped: the next build finds the
finished batches here and embeds only the rest.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from rag.ingest.shipped import ShippedVectors
from rag.protocols import Encoder, Vectors

Progress = Callable[[int, int], None]  # (done, total)


def cache_key(encoder_name: str, text: str) -> str:
    return hashlib.sha256(f"{encoder_name}\x00{text}".encode()).hexdigest()


class EmbeddingCache:
    """`shipped`: vectors that came with lawqa (`rag.ingest.shipped`), consulted before embedding anything."""

    def __init__(self, path: Path, shipped: ShippedVectors | None = None) -> None:
        self._shipped = shipped
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        self.hits = 0
        self.misses = 0

    def close(self) -> None:
        self._db.close()

    def get_many(self, keys: Sequence[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), 500):
            batch = list(keys[start:start + 500])
            marks = ",".join("?" * len(batch))
            rows = self._db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", batch)
            found.update(rows)
        return found

    def put_many(self, items: Sequence[tuple[str, bytes]]) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", items)

    def encode(
        self, encoder: Encoder, texts: Sequence[str], *, batch_size: int = 32, progress: Progress | None = None
    ) -> Vectors:
        """Vectors for all texts, from the cache where possible, in input order."""
        keys = [cache_key(encoder.name, t) for t in texts]
        cached = self.get_many(list(dict.fromkeys(keys)))
        if self._shipped is not None:
            cached.update((k, v) for k in keys if k not in cached and (v := self._shipped.get(k)) is not None)
        first_of_key = {k: i for i, k in reversed(list(enumerate(keys)))}
        missing = [i for k, i in first_of_key.items() if k not in cached]
        self.hits, self.misses = len(texts) - len(missing), len(missing)
        done = self.hits
        for start in range(0, len(missing), batch_size):
            rows = missing[start:start + batch_size]
            vectors = encoder.encode_documents([texts[i] for i in rows])
            fresh = [(keys[i], vectors[j].astype(np.float32).tobytes()) for j, i in enumerate(rows)]
            self.put_many(fresh)
            cached.update(fresh)
            done += len(rows)
            if progress:
                progress(done, len(texts))
        matrix = np.frombuffer(b"".join(cached[k] for k in keys), dtype=np.float32)
        return matrix.reshape(len(texts), encoder.dim)
