"""HTTP request and response bodies (the only pydantic models besides Settings).

Requests check types and the fixed bounds the schema shows (top_k 1 to 50); limits
that depend on settings (question length, a lower max_top_k, known doc ids, text
that cannot be encoded) are checked by the Engine, whose messages are the ones
users see from the CLI too.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from rag.types import SearchMode

StrictInt = Annotated[int, Field(strict=True)]
StrictStr = Annotated[str, Field(strict=True)]
TOP_K_MAX = 50  # the default Settings.max_top_k; a deployment may lower it, not raise it
StrictBool = Annotated[bool, Field(strict=True)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: SearchMode | None = Field(default=None, description="retrieval mode; default from the server settings")
    doc_ids: list[StrictStr] | None = Field(default=None, description="only search these documents; [] or null: all")
    collections: list[StrictStr] | None = Field(default=None, description="knowledge bases to search; null: all loaded")
    as_of: StrictStr | None = Field(default=None, examples=["2019-06-01"], description=(
        "answer from the law as it stood that day (YYYY-MM-DD, YYYY-MM or YYYY: its last day): each law in "
        "the version then in force, reports unaffected; null or empty: the law in force now, unless the "
        "question asks for a year (\"2019年时…怎么规定\")"))


class AnswerRequest(_Request):
    question: StrictStr = Field(description="the question, 1 to 2,000 characters",
                                examples=["鹤山帮农民工讨回了多少工钱？"])
    top_k: StrictInt = Field(default=5, ge=1, le=TOP_K_MAX, description="citations to return, 1 to 50")
    generate: StrictBool | None = Field(default=None, description="rewrite the answer with the configured language "
                                        "model, every sentence verified; null: the server's LAWQA_GENERATE")


class SearchRequest(_Request):
    query: StrictStr = Field(description="the query, 1 to 2,000 characters", examples=["行政复议纠错率"])
    top_k: StrictInt = Field(default=10, ge=1, le=TOP_K_MAX, description="passages to return, 1 to 50")


class Passage(BaseModel):
    doc_id: str
    title: str
    section: str = Field(description="heading path, ' > ' between levels")
    label: str = Field(description="statutes: the article, e.g. '民法典 第五十四条'")
    text: str
    start: int = Field(description="offset of the passage in the original source file")
    end: int
    score: float
    source: str
    status: str = Field(default="", description="statutes: 现行有效 / 已修改 / 已废止 (this version, today)")
    publish: str = Field(default="", description="statutes: the date this version was published")
    effective: str = Field(default="", description="statutes: the date this version took effect")


class HitOut(Passage):
    rank: int


class AnswerSpan(BaseModel):
    start: int = Field(description="offset of the asked item (a number, date or name) in the original source file")
    end: int
    text: str = Field(description="the item itself, e.g. '466万元'")


class CitationOut(Passage):
    n: int
    place: str
    date: str
    quote: list[str] = Field(description="sentences of this passage used in the answer")
    answer_spans: list[AnswerSpan] = Field(description="the exact answer inside the quoted sentences")


class RemovedSentence(BaseModel):
    sentence: str
    reason: str


class GenerationOut(BaseModel):
    model: str = Field(description="the language model asked; empty when none is configured")
    removed: list[RemovedSentence] = Field(description="generated sentences dropped by verification, with why")
    fallback: bool = Field(description="the extractive answer is shown instead of a generated one")
    note: str = Field(default="", description="why generation fell back, for people")


class AnswerResponse(BaseModel):
    question: str
    answer: str
    abstained: bool
    confidence: float
    citations: list[CitationOut]
    mode: SearchMode
    timings_ms: dict[str, float] = Field(description="milliseconds: search, encode (the part of the search spent on "
                                                     "the question's vector) and answer")
    generation: GenerationOut | None = Field(default=None, description="present when generation was asked for")
    as_of: str | None = Field(default=None, description="the day whose law versions answered; null: today's law")


class SearchResponse(BaseModel):
    query: str
    hits: list[HitOut]
    mode: SearchMode
    timings_ms: dict[str, float] = Field(description="milliseconds: search, and encode, the part of it spent on the "
                                                     "question's vector (about 0 when the query cache has it)")
    as_of: str | None = Field(default=None, description="the day whose law versions were searched; null: today's law")


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    place: str
    issuer: str
    date: str
    source: str
    kind: str
    chunks: int


class DocumentList(BaseModel):
    count: int
    documents: list[DocumentSummary]


class Span(BaseModel):
    start: int = Field(description="requested offset in the original file")
    end: int
    clean_start: int = Field(description="where the passages covering it begin in `text`")
    clean_end: int
    exact: bool = Field(description="the request coincided with passage boundaries (as citations do)")


class DocumentDetail(DocumentSummary):
    text: str = Field(description="the clean text that passages and clean offsets refer to")
    span: Span | None = None


class IndexHashes(BaseModel):
    loaded: str = Field(description="hash of the manifest of the index this process serves")
    on_disk: str | None = Field(default=None, description="hash of the manifest on disk now; differs after a rebuild")


class Health(BaseModel):
    status: str
    detail: str = ""
    manifest: dict[str, object] | None = Field(default=None, description="the default collection's index manifest")
    collections: dict[str, dict[str, object]] = {}
    index_hashes: dict[str, IndexHashes] = Field(default={}, description="per collection: loaded and on-disk index")
    chat: str = Field(default="off", description="the browser chat at /: starting, ready, failed, or off (API only)")


class ErrorBody(BaseModel):
    detail: str
    errors: list[str] = []
