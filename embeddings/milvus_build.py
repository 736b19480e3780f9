"""Writing one build of a lawqa collection into a new Milvus collection.

Each build gets a Milvus collection of its own (`lawqa_<name>_<hash>_<build>`),
filled and flushed before the index directory that names it is swapped in, so a
failed build leaves the served one untouched, like the directory swap on disk.
Milvus names allow only ASCII letters, digits and "_", and lawqa collection
names may be Chinese, hence the hash.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from embeddings.milvus_store import ROW, SPARSE, TOKENS, VECTOR, MilvusRecord, keyword_text, milvus_errors
from rag.errors import IndexStateError
from rag.protocols import Vectors

MAX_TEXT_BYTES = 65535  # Milvus' longest VARCHAR
INSERT_BATCH = 500
BM25_PARAMS = {"bm25_k1": 1.2, "bm25_b": 0.75}  # those of rag.search.lexical.BM25Index
# Milvus has a whitespace tokenizer; Milvus Lite only "standard" (runs of word characters) and "jieba".
# Either splits keyword_text() back into lawqa's tokens.
SERVER_ANALYZER, LITE_ANALYZER = "whitespace", "standard"


def build_name(collection: str) -> str:
    readable = re.sub(r"[^0-9A-Za-z]+", "_", collection).strip("_")[:32] or "c"
    digest = hashlib.sha1(collection.encode("utf-8")).hexdigest()[:8]
    return f"lawqa_{readable}_{digest}_{uuid.uuid4().hex[:12]}"


def fit_tokens(tokens: Sequence[str]) -> list[str]:
    """The leading tokens whose keyword text fits in one VARCHAR (a passage of ~20,000 characters)."""
    kept: list[str] = []
    size = -1
    for token in tokens:
        size += 1 + len(keyword_text([token]).encode("utf-8"))
        if size > MAX_TEXT_BYTES:
            break
        kept.append(token)
    return kept


def analyzer_for(client: Any) -> str:
    version = str(client.get_server_version())
    return LITE_ANALYZER if version.startswith("milvus_lite") else SERVER_ANALYZER


def _schema(client: Any, dim: int, analyzer: str) -> Any:
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field(ROW, DataType.INT64, is_primary=True)
    schema.add_field(VECTOR, DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field(TOKENS, DataType.VARCHAR, max_length=MAX_TEXT_BYTES, enable_analyzer=True,
                     analyzer_params={"tokenizer": analyzer})
    schema.add_field(SPARSE, DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                 input_field_names=[TOKENS], output_field_names=[SPARSE]))
    return schema


def _index_params(client: Any) -> Any:
    params = client.prepare_index_params()
    params.add_index(field_name=VECTOR, index_type="FLAT", metric_type="IP")  # exact, as FAISS IndexFlatIP
    # Milvus reads the BM25 parameters as keys of their own; Milvus Lite 3.2 only from a JSON "params" key.
    params.add_index(field_name=SPARSE, index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                     params={**BM25_PARAMS, "params": BM25_PARAMS})
    return params


def write_collection(client: Any, name: str, vectors: Vectors, tokens: Sequence[Sequence[str]]) -> MilvusRecord:
    """Create, fill and flush a new Milvus collection for lawqa collection `name`; row i = chunk i."""
    target = build_name(name)
    with milvus_errors(name):
        analyzer = analyzer_for(client)
        client.create_collection(target, schema=_schema(client, vectors.shape[1], analyzer),
                                 index_params=_index_params(client))
        try:
            for start in range(0, len(vectors), INSERT_BATCH):
                rows = range(start, min(start + INSERT_BATCH, len(vectors)))
                client.insert(target, [{ROW: i, VECTOR: vectors[i].tolist(), TOKENS: keyword_text(tokens[i])}
                                       for i in rows])
            # One flush at the end: Milvus Lite keeps BM25 statistics per segment, so fewer segments score closer.
            client.flush(target)
        except BaseException:
            with contextlib.suppress(IndexStateError):  # the first failure is the one to report
                drop_collections(client, name, [target])
            raise
    return MilvusRecord(target, len(vectors), int(vectors.shape[1]), analyzer)


def drop_collections(client: Any, name: str, targets: Iterable[str]) -> None:
    with milvus_errors(name):
        for target in targets:
            if target and client.has_collection(target):
                client.drop_collection(target)
