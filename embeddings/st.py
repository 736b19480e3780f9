"""Any sentence-transformers model by hub name or local path (bge-zh, e5, gte...).

Models that expect instructions get them from `QUERY_PREFIXES` unless the
caller passes its own; vectors are normalised so inner product is cosine.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.errors import InputError
from rag.protocols import Vectors

# (name fragment, query prefix, passage prefix), first match wins.
QUERY_PREFIXES: tuple[tuple[str, str, str], ...] = (
    ("e5", "query: ", "passage: "),
    ("bge-small-zh", "为这个句子生成表示以用于检索相关文章：", ""),
    ("bge-base-zh", "为这个句子生成表示以用于检索相关文章：", ""),
    ("bge-large-zh", "为这个句子生成表示以用于检索相关文章：", ""),
)


def default_prefixes(model: str) -> tuple[str, str]:
    lowered = model.lower()
    for fragment, query, passage in QUERY_PREFIXES:
        if fragment in lowered:
            return query, passage
    return "", ""


class SentenceTransformerEncoder:
    def __init__(self, model: str, *, batch_size: int = 32, device: str = "cpu") -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise InputError(
                "未安装 sentence-transformers，请运行：.venv/bin/pip install torch==2.13.0 "
                "'lawqa[st]'"
            ) from exc
        try:
            self._model = SentenceTransformer(model, device=device)
        except (OSError, ValueError) as exc:
            raise InputError(f"无法加载 sentence-transformers 模型 {model!r}：{exc}") from exc
        self.name = f"st:{model}"
        loaded = self._model  # sentence-transformers 6 renamed the dimension getter
        dimension = getattr(loaded, "get_embedding_dimension", None) or loaded.get_sentence_embedding_dimension
        self.dim = int(dimension() or 0)
        self._query_prefix, self._passage_prefix = default_prefixes(model)
        self._batch_size = batch_size

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode([self._query_prefix + t for t in texts])

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        return self._encode([self._passage_prefix + t for t in texts])

    def _encode(self, texts: list[str]) -> Vectors:
        vectors = self._model.encode(
            texts, batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)
