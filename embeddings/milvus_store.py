"""Search in Milvus: dense vectors and BM25 full text, one Milvus collection per lawqa collection.

Row i of the Milvus collection (primary key `row`) is chunk i of the lawqa index,
as in FAISS. The keyword field holds lawqa's own jieba tokens, space-joined, so
Milvus' BM25 scores the same tokens as `rag.search.lexical.BM25Index`; the
analyzer only has to split them again (`keyword_text`). Every Milvus failure
becomes an `IndexStateError` with a Chinese message, never a traceback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from rag import texts
from rag.errors import IndexStateError
from rag.protocols import Vectors
from rag.search.keyword_stats import TermStats

RECORD_FILE = "milvus.json"
ROW, VECTOR, TOKENS, SPARSE = "row", "vector", "tokens", "sparse"
MAX_LIMIT = 16384  # the largest top-k Milvus accepts
KEYWORD_CANDIDATES = MAX_LIMIT  # keyword hits fetched per query; chunks beyond them score 0, like chunks without a term
# The analyzers keep a token whole only if it is all word characters; lawqa's tokens may also hold "." and "%".
_ESCAPES = {"_": "_0", ".": "_1", "%": "_2"}


@dataclass(frozen=True)
class MilvusRecord:
    """What the index directory knows of its Milvus collection (`milvus.json`)."""

    collection: str  # the Milvus collection of this build
    rows: int
    dim: int
    analyzer: str
    previous: str = ""  # the build it replaced, kept until the next build so that a running service can swap

    def save(self, directory: Path) -> None:
        (directory / RECORD_FILE).write_text(json.dumps(asdict(self), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> MilvusRecord:
        return cls(**json.loads((directory / RECORD_FILE).read_text(encoding="utf-8")))


def keyword_text(tokens: Sequence[str]) -> str:
    """Tokens as one string that a whitespace or word-character analyzer splits back into the same tokens."""
    return " ".join("".join(_ESCAPES.get(ch, ch) for ch in token) for token in tokens)


def is_local(uri: str) -> bool:
    """A path to a Milvus Lite data file rather than the address of a server."""
    return "://" not in uri


def connect(uri: str, token: str, timeout: float) -> Any:
    """A MilvusClient (`uri` a server address, or a local `.db` path for Milvus Lite)."""
    try:
        from pymilvus import MilvusClient
        from pymilvus.exceptions import MilvusException
    except ImportError as exc:
        raise IndexStateError(texts.MILVUS_NOT_INSTALLED) from exc
    # lawqa reports every failure itself; the libraries would also log each one with a traceback.
    for name in ("pymilvus", "milvus_lite"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    if is_local(uri) and not uri.endswith(".db"):
        raise IndexStateError(texts.MILVUS_BAD_URI)
    # Milvus Lite's gRPC server refuses pings more often than every 5 minutes with a GOAWAY that gRPC logs
    # on stderr; its connection is in-process or on loopback and needs no keepalive at all.
    quiet = {"grpc.keepalive_time_ms": 600_000, "grpc.keepalive_permit_without_calls": False}
    try:
        return MilvusClient(uri=uri, token=token, timeout=timeout, grpc_options=quiet if is_local(uri) else {})
    except MilvusException as exc:
        busy = texts.MILVUS_LITE_BUSY.format(file=Path(uri).name)
        raise IndexStateError(busy if is_local(uri) else texts.MILVUS_UNREACHABLE) from exc


@contextmanager
def milvus_errors(name: str) -> Iterator[None]:
    """Translate what a Milvus call raises for lawqa collection `name`."""
    import grpc
    from pymilvus.exceptions import MilvusException

    try:
        yield
    except MilvusException as exc:
        message = str(getattr(exc, "message", "") or exc)
        if getattr(exc, "code", None) == 100 or "not exist" in message:
            raise IndexStateError(texts.MILVUS_COLLECTION_MISSING.format(name=name)) from exc
        if getattr(exc, "code", None) == 2 or "connect" in message.lower():
            raise IndexStateError(texts.MILVUS_UNREACHABLE) from exc
        raise IndexStateError(texts.MILVUS_FAILED.format(name=name, reason=message[:200])) from exc
    except grpc.RpcError as exc:
        raise IndexStateError(texts.MILVUS_UNREACHABLE) from exc


def stored_rows(client: Any, record: MilvusRecord, name: str) -> int | None:
    """How many rows the build's Milvus collection holds; None when it does not exist."""
    with milvus_errors(name):
        if not client.has_collection(record.collection):
            return None
        return int(client.get_collection_stats(record.collection)["row_count"])


def open_collection(client: Any, record: MilvusRecord, name: str) -> None:
    """Load the collection for search and check it holds this build's rows."""
    rows = stored_rows(client, record, name)
    if rows is None:
        raise IndexStateError(texts.MILVUS_COLLECTION_MISSING.format(name=name))
    if rows != record.rows:
        raise IndexStateError(texts.MILVUS_COUNT.format(name=name, actual=rows, expected=record.rows))
    with milvus_errors(name):
        client.load_collection(record.collection)


class MilvusVectorStore:
    """Inner-product search over the `vector` field; satisfies rag.protocols.VectorSearch."""

    def __init__(self, client: Any, record: MilvusRecord, name: str) -> None:
        self._client, self._record, self._name = client, record, name

    @property
    def size(self) -> int:
        return self._record.rows

    def search(self, queries: Vectors, k: int) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        k = min(k, self.size, MAX_LIMIT)
        scores = np.zeros((len(queries), k), dtype=np.float32)
        ids = np.full((len(queries), k), -1, dtype=np.int64)
        if k == 0:
            return scores, ids
        with milvus_errors(self._name):
            results = self._client.search(self._record.collection, data=np.asarray(queries).tolist(),
                                          anns_field=VECTOR, limit=k, output_fields=[ROW],
                                          search_params={"metric_type": "IP"})
        for i, hits in enumerate(results):
            found = len(hits.ids)
            ids[i, :found], scores[i, :found] = hits.ids, hits.distances
            scores[i, found:] = scores[i, found - 1] if found else 0.0  # pad with the weakest score found, as a ceiling
        return scores, ids


class MilvusKeywordIndex:
    """BM25 full-text search over the `tokens` field; satisfies rag.protocols.KeywordIndex."""

    def __init__(self, client: Any, record: MilvusRecord, stats: TermStats, name: str,
                 candidates: int = KEYWORD_CANDIDATES) -> None:
        self._client, self._record, self._stats, self._name = client, record, stats, name
        self._limit = min(candidates, MAX_LIMIT)

    @property
    def size(self) -> int:
        return self._record.rows

    def idf_of(self, term: str) -> float:
        return self._stats.idf_of(term)

    def scores(self, query: Sequence[str], weights: Mapping[str, float] | None = None) -> Vectors:
        """BM25 adds up over terms, so terms of one weight are searched together and the groups summed."""
        total = np.zeros(self.size, dtype=np.float32)
        groups: dict[float, list[str]] = {}
        for term in dict.fromkeys(query):
            groups.setdefault(weights.get(term, 1.0) if weights else 1.0, []).append(term)
        for weight, terms in groups.items():
            rows, values = self._search(terms)
            total[rows] += weight * values
        return total

    def _search(self, terms: Sequence[str]) -> tuple[npt.NDArray[np.int64], Vectors]:
        limit = min(self._limit, self.size)
        if not terms or limit == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        with milvus_errors(self._name):
            results = self._client.search(self._record.collection, data=[keyword_text(terms)], anns_field=SPARSE,
                                          limit=limit, output_fields=[ROW], search_params={"metric_type": "BM25"})
        hits = results[0]
        # Milvus reports a BM25 score, Milvus Lite its negative as a distance; a BM25 score is never negative.
        return np.asarray(hits.ids, dtype=np.int64), np.abs(np.asarray(hits.distances, dtype=np.float32))
