"""The chunks of an index as a sequence, held in memory or parsed from chunks.jsonl when asked for.

A parsed Chunk costs about 2.5 KB of Python objects (measured on the national
laws), so a million of them would not fit a 2 GiB server. Above
`EAGER_LIMIT` chunks the table keeps only the file and each line's offset,
and reads (pread) and parses the few chunks a search returns; what search
needs for every chunk (its document and label) is kept as `ChunkColumns`.
The file is read, not memory-mapped: checking every line at load would leave
the whole mapping resident (680 MB at a million chunks) in the server's RSS.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, overload

import numpy as np
import numpy.typing as npt

from rag import texts
from rag.errors import IndexStateError
from rag.types import Chunk

EAGER_LIMIT = 200_000
FILE_NAME = "chunks.jsonl"


@dataclass(frozen=True)
class ChunkColumns:
    """Per chunk: its document (an index into `doc_ids`) and its label."""

    doc_ids: tuple[str, ...]
    doc_of: npt.NDArray[np.int32]
    labels: tuple[str, ...]

    @classmethod
    def of(cls, doc_ids: Sequence[str], labels: Sequence[str]) -> ChunkColumns:
        position: dict[str, int] = {}
        doc_of = np.array([position.setdefault(d, len(position)) for d in doc_ids], dtype=np.int32)
        return cls(tuple(position), doc_of, tuple(labels))


class ChunkTable(Sequence[Chunk]):
    """Chunks in row order; `columns` for all of them without parsing any."""

    def __init__(self, columns: ChunkColumns, chunks: Sequence[Chunk] | None = None,
                 path: Path | None = None, offsets: npt.NDArray[np.int64] | None = None) -> None:
        self.columns = columns
        self._chunks = chunks
        self._fd = os.open(path, os.O_RDONLY) if path is not None else None
        self._offsets = offsets

    def __del__(self) -> None:
        fd = getattr(self, "_fd", None)  # absent when __init__ failed
        if fd is not None:
            os.close(fd)

    @classmethod
    def of(cls, chunks: Sequence[Chunk]) -> ChunkTable:
        return chunks if isinstance(chunks, ChunkTable) else cls(
            ChunkColumns.of([c.doc_id for c in chunks], [c.label for c in chunks]), list(chunks))

    def __len__(self) -> int:
        return len(self.columns.doc_of)

    @overload
    def __getitem__(self, row: int) -> Chunk: ...

    @overload
    def __getitem__(self, row: slice) -> list[Chunk]: ...

    def __getitem__(self, row: int | slice) -> Chunk | list[Chunk]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        if self._chunks is not None:
            return self._chunks[row]
        assert self._fd is not None and self._offsets is not None
        row = range(len(self))[row]
        start, end = int(self._offsets[row]), int(self._offsets[row + 1])
        return chunk_of(json.loads(os.pread(self._fd, end - start, start)))

    def __iter__(self) -> Iterator[Chunk]:
        return (self[i] for i in range(len(self)))


def chunk_of(row: dict[str, Any]) -> Chunk:
    origin_runs = tuple((int(a), int(b)) for a, b in row.get("origin_runs", ()))
    return Chunk(**{**row, "section": tuple(row["section"]), "origin_runs": origin_runs})


def load_chunk_table(directory: Path, expected: int | None = None, eager_limit: int = EAGER_LIMIT) -> ChunkTable:
    """Read and check every line; keep the chunks when there are at most `eager_limit`, else only offsets."""
    path = directory / FILE_NAME
    try:
        with path.open("rb") as handle:
            starts, doc_ids, labels, kept = _scan(directory, handle, keep=expected is None or expected <= eager_limit)
    except OSError as exc:
        raise _damaged(directory, texts.INDEX_UNREADABLE.format(file=FILE_NAME)) from exc
    if expected is not None and len(doc_ids) != expected:
        raise _damaged(directory, texts.INDEX_COUNT.format(file=FILE_NAME, actual=len(doc_ids), expected=expected))
    columns = ChunkColumns.of(doc_ids, labels)
    if len(kept) == len(doc_ids):
        return ChunkTable(columns, kept)
    return ChunkTable(columns, path=path, offsets=np.array(starts, dtype=np.int64))


def _scan(directory: Path, handle: BinaryIO, *, keep: bool) -> tuple[list[int], list[str], list[str], list[Chunk]]:
    """Line start offsets (and the end), doc ids and labels of every line; with `keep`, the chunks too."""
    starts: list[int] = []
    doc_ids: list[str] = []
    labels: list[str] = []
    kept: list[Chunk] = []
    position = 0
    for number, line in enumerate(handle, start=1):
        end = position + len(line)
        if line.strip():
            chunk = _parse(directory, line, number)
            starts.append(position)
            doc_ids.append(chunk.doc_id)
            labels.append(chunk.label)
            if keep:
                kept.append(chunk)
        position = end
    starts.append(position)
    return starts, doc_ids, labels, kept


def _parse(directory: Path, line: bytes, number: int) -> Chunk:
    try:
        row = json.loads(line)
        if not isinstance(row, dict):
            raise TypeError(type(row).__name__)
        return chunk_of(row)
    except (ValueError, TypeError, KeyError) as exc:
        raise _damaged(directory, texts.INDEX_BAD_LINE.format(file=FILE_NAME, line=number)) from exc


def _damaged(directory: Path, problem: str) -> IndexStateError:
    return IndexStateError(texts.INDEX_DAMAGED.format(name=directory.name, problem=problem))


class DocumentPassages(Mapping[str, Sequence[Chunk]]):
    """doc id -> its chunks in row order, over several tables; a document's chunks are parsed when asked for."""

    def __init__(self, tables: Sequence[ChunkTable], doc_ids: Sequence[str] = ()) -> None:
        self._rows: dict[str, list[tuple[ChunkTable, npt.NDArray[np.intp]]]] = {doc_id: [] for doc_id in doc_ids}
        for table in tables:
            order = np.argsort(table.columns.doc_of, kind="stable")
            bounds = np.searchsorted(table.columns.doc_of[order], np.arange(len(table.columns.doc_ids) + 1))
            for doc, doc_id in enumerate(table.columns.doc_ids):
                self._rows.setdefault(doc_id, []).append((table, order[bounds[doc]:bounds[doc + 1]]))

    def __getitem__(self, doc_id: str) -> Sequence[Chunk]:
        return _Rows(self._rows[doc_id])

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)


class _Rows(Sequence[Chunk]):
    """One document's chunks: counted for free, parsed when read."""

    def __init__(self, parts: list[tuple[ChunkTable, npt.NDArray[np.intp]]]) -> None:
        self._refs = [(table, int(row)) for table, rows in parts for row in rows]

    def __len__(self) -> int:
        return len(self._refs)

    @overload
    def __getitem__(self, index: int) -> Chunk: ...

    @overload
    def __getitem__(self, index: slice) -> list[Chunk]: ...

    def __getitem__(self, index: int | slice) -> Chunk | list[Chunk]:
        if isinstance(index, slice):
            return [table[row] for table, row in self._refs[index]]
        table, row = self._refs[index]
        return table[row]
