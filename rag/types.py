"""The nouns of the pipeline: Document -> Chunk -> Hit -> Citation -> Answer.

Every stage takes and returns these frozen dataclasses; nothing else crosses a
module boundary. Offsets (`start`, `end`) are character offsets into the
*original* source file as decoded text, so a citation can be checked against
the file on disk; `clean_start` / `clean_end` index the cleaned text that is
shown to users.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SearchMode = Literal["hybrid", "dense", "lexical"]
SEARCH_MODES: tuple[SearchMode, ...] = ("hybrid", "dense", "lexical")

DocKind = Literal["report", "statute"]


@dataclass(frozen=True)
class DocMeta:
    """What is known about a document beyond its text (catalog or file header)."""

    title: str
    place: str = ""
    issuer: str = ""
    date: str = ""  # ISO date or year, as precise as the source allows
    source: str = ""
    kind: DocKind = "report"
    level: str = ""  # statutes: 法律 / 行政法规 / 司法解释 / 部门规章 / 地方性法规
    effective: str = ""
    in_force: bool = True
    short_title: str = ""  # statutes: 民法典 for 中华人民共和国民法典


@dataclass(frozen=True)
class Document:
    """One cleaned source file. `text` is the clean (simplified) text."""

    doc_id: str
    path: str
    text: str
    meta: DocMeta
    collection: str = "seeds"


@dataclass(frozen=True)
class Chunk:
    """A section's text (or a sentence-aligned part of it), with provenance."""

    chunk_id: str
    doc_id: str
    text: str
    section: tuple[str, ...]
    start: int
    end: int
    clean_start: int
    clean_end: int
    label: str = ""  # statutes: "民法典 第五十四条"
    collection: str = "seeds"


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the per-retriever evidence."""

    chunk: Chunk
    score: float
    rank: int
    dense_score: float | None = None
    lexical_score: float | None = None


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer; `quote` holds the sentences used from it."""

    n: int
    hit: Hit
    meta: DocMeta
    quote: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...]
    mode: SearchMode
    confidence: float
    timings_ms: dict[str, float] = field(default_factory=dict)
