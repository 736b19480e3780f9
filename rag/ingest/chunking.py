"""Section chunking of cleaned reports.

A chunk is the text of one section (everything under the innermost heading),
split only at sentence boundaries when it is longer than `max_chars`. Chunks
are contiguous slices of the document's clean text, so their clean offsets and
their offsets in the original file follow from the text map.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.ingest.cleaning import CleanedReport, Line
from rag.ingest.headings import LEVELS, heading_label
from rag.text.sentences import sentence_spans
from rag.text.textmap import MappedText, join
from rag.types import Chunk

DEFAULT_MAX_CHARS = 400
METADATA_SECTION = "文档信息"  # the 来源/发布时间 line of a web page


@dataclass(frozen=True)
class Section:
    path: tuple[str, ...]
    start: int  # clean offsets of the section body
    end: int


def clean_text(report: CleanedReport) -> MappedText:
    return join(line.text for line in report.lines)


def sections(report: CleanedReport) -> list[Section]:
    """Walk the lines keeping a heading stack; each body becomes one Section."""
    found: list[Section] = []
    stack: list[tuple[int, str]] = []
    offset = 0
    body: tuple[int, int] | None = None
    previous: Line | None = None
    for line in report.lines:
        start, end = offset, offset + len(line.text)
        offset = end + 1
        if line.kind == "text":
            body = (body[0] if body else start, end)
        elif line.kind == "meta":
            _flush(found, stack, body)
            body = None
            found.append(Section((METADATA_SECTION,), start, end))
        else:
            _flush(found, stack, body)
            body = None
            if line.kind != "title":
                _push(stack, line, merge=previous is not None and previous.kind == line.kind == "headline")
                if heading_label(line.text.text) != line.text.text:
                    body = (start, end)  # "1.标题。正文……": the line is its own body
        previous = line
    _flush(found, stack, body)
    return found


def _push(stack: list[tuple[int, str]], line: Line, merge: bool) -> None:
    label = heading_label(line.text.text)
    if merge and stack:
        level, previous_label = stack.pop()
        stack.append((level, f"{previous_label} {label}"))
        return
    level = LEVELS[line.kind]
    while stack and stack[-1][0] >= level:
        stack.pop()
    stack.append((level, label))


def _flush(found: list[Section], stack: list[tuple[int, str]], body: tuple[int, int] | None) -> None:
    if body:
        found.append(Section(tuple(label for _, label in stack), *body))


def pack_sentences(spans: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    """Greedy groups of whole sentences of at most max_chars (one long sentence stays whole)."""
    groups: list[tuple[int, int]] = []
    for start, end in spans:
        if groups and end - groups[-1][0] <= max_chars:
            groups[-1] = (groups[-1][0], end)
        else:
            groups.append((start, end))
    return groups


def chunk_report(
    doc_id: str, report: CleanedReport, *, max_chars: int = DEFAULT_MAX_CHARS, collection: str = "seeds"
) -> tuple[MappedText, list[Chunk]]:
    text = clean_text(report)
    chunks: list[Chunk] = []
    for section in sections(report):
        for start, end in pack_sentences(sentence_spans(text.text, section.start, section.end), max_chars):
            source_start, source_end = text.source_span(start, end)
            chunks.append(Chunk(
                chunk_id=f"{doc_id}#{len(chunks)}", doc_id=doc_id, text=text.text[start:end],
                section=section.path, start=source_start, end=source_end,
                clean_start=start, clean_end=end, collection=collection,
                origin_runs=text.origin_runs(start, end),
            ))
    return text, chunks
