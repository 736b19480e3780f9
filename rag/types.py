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
    status: str = ""  # statutes: 现行有效 / 已修改 / 已废止 (rag.ingest.versions)


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
    # Where the text's characters sit in the source file, as (offset in text, source offset) at each
    # jump; empty when the text is a verbatim slice starting at `start` (statutes). See source_offset.
    origin_runs: tuple[tuple[int, int], ...] = ()

    def source_offset(self, offset: int) -> int:
        """The source-file offset of character `offset` of `text`."""
        base, source = 0, self.start
        for run_start, run_source in self.origin_runs:
            if run_start > offset:
                break
            base, source = run_start, run_source
        return source + offset - base

    def text_offset(self, source_offset: int) -> int | None:
        """The offset in `text` of the character at `source_offset` of the source file, if it is in the text."""
        runs = self.origin_runs or ((0, self.start),)
        for (run_start, run_source), next_start in zip(runs, [*(r[0] for r in runs[1:]), len(self.text)],
                                                       strict=True):
            if run_source <= source_offset < run_source + next_start - run_start:
                return run_start + source_offset - run_source
        return None


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
    """A numbered source of an answer; `quote` holds the sentences used from it.

    `spans` are the exact answer items (the asked number, date or name) in the quoted
    sentences, as [start, end) offsets into the source file like the chunk's own.
    """

    n: int
    hit: Hit
    meta: DocMeta
    quote: tuple[str, ...] = field(default_factory=tuple)
    spans: tuple[tuple[int, int], ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...]
    mode: SearchMode
    confidence: float
    timings_ms: dict[str, float] = field(default_factory=dict)
    as_of: str = ""  # ISO day whose law versions answered ("" = the law in force now)
