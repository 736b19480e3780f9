"""The index on disk: a directory with a manifest, written atomically.

    manifest.json     encoder, dimension, counts, corpus hash, code and format version,
                      and every other file's size and sha256 (format 2)
    documents.jsonl   one cleaned document per line (metadata and clean text)
    chunks.jsonl      one chunk per line; line i is row i of the vectors and of BM25
    bm25.json, bm25.*.npy (rag.search.lexical), vectors.faiss (embeddings.faiss_store)
    bigrams.*.npy     statutes only: the statute ranker's phrase index (rag.search.bigrams)

A build writes everything into a sibling temp directory, writes the manifest
last, then swaps directories with renames, so a crash leaves either the old
index or none, never a half-written one under the real name; a failed write
(a full disk) removes the temp directory and says so. Format-1 manifests (no
file records) still load, checked by counts only.

Messages name the collection, never a server path: they reach HTTP clients.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from rag import texts
from rag.errors import IndexStateError
from rag.ingest.chunktable import chunk_of
from rag.ingest.integrity import FileRecord, file_problem, record_files
from rag.types import Chunk, DocMeta, Document

FORMAT_VERSION = 2
READABLE_FORMATS = (1, 2)
MANIFEST = "manifest.json"
T = TypeVar("T")


@dataclass(frozen=True)
class Manifest:
    encoder: str
    dim: int
    chunk_count: int
    document_count: int
    corpus_hash: str
    code_version: str
    collection: str
    format_version: int = FORMAT_VERSION
    files: dict[str, FileRecord] = field(default_factory=dict)


def manifest_hash(manifest: Manifest) -> str:
    """Identifies an index's content (the manifest holds every file's checksum); /healthz reports it."""
    canonical = json.dumps(asdict(manifest), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def write_index(directory: Path, manifest: Manifest, documents: Sequence[Document], chunks: Sequence[Chunk],
                write_parts: Callable[[Path], None]) -> Manifest:
    """write_parts(tmp) saves the vector store and BM25 into tmp before the swap; returns the manifest written."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = directory.with_name(f".{directory.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir()
        _write_jsonl(tmp / "documents.jsonl", (asdict(d) for d in documents))
        _write_jsonl(tmp / "chunks.jsonl", (asdict(c) for c in chunks))
        write_parts(tmp)
        manifest = replace(manifest, format_version=FORMAT_VERSION,
                           files=record_files(tmp, (p.name for p in tmp.iterdir())))
        (tmp / MANIFEST).write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=2), encoding="utf-8")
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        reason = texts.DISK_FULL if exc.errno in {errno.ENOSPC, errno.EDQUOT} else (exc.strerror or type(exc).__name__)
        raise IndexStateError(texts.INDEX_WRITE_FAILED.format(name=directory.name, reason=reason)) from exc
    old = directory.with_name(f".{directory.name}.old-{os.getpid()}")
    if directory.exists():
        directory.rename(old)
    tmp.rename(directory)
    shutil.rmtree(old, ignore_errors=True)
    return manifest


def read_manifest(directory: Path) -> Manifest:
    path = directory / MANIFEST
    if not path.exists():
        raise IndexStateError(texts.INDEX_MISSING.format(name=directory.name))
    try:
        row = json.loads(path.read_text(encoding="utf-8"))
        files = {name: FileRecord(**record) for name, record in row.pop("files", {}).items()}
        manifest = Manifest(**row, files=files)
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise _damaged(directory, texts.INDEX_BAD_LINE.format(file=MANIFEST, line=1)) from exc
    if manifest.format_version not in READABLE_FORMATS:
        raise IndexStateError(texts.INDEX_OLD_FORMAT.format(
            name=directory.name, found=manifest.format_version, wanted=FORMAT_VERSION))
    return manifest


def verify_index(directory: Path, manifest: Manifest) -> None:
    """Raise IndexStateError naming the first file that differs from the manifest (format 2)."""
    problem = file_problem(directory, manifest.files)
    if problem is not None:
        raise _damaged(directory, problem)


def check_encoder(manifest: Manifest, directory: Path, encoder: str, dim: int) -> None:
    if manifest.encoder != encoder or manifest.dim != dim:
        raise IndexStateError(
            f"资料库“{directory.name}”的索引由 {manifest.encoder}（{manifest.dim} 维）建立，当前设置为 "
            f"{encoder}（{dim} 维）；请运行 lawqa index 重建，或设置 LAWQA_ENCODER={manifest.encoder}"
        )


def read_documents(directory: Path, expected: int | None = None) -> list[Document]:
    rows = _read_rows(directory, "documents.jsonl", expected)
    return _parse(directory, "documents.jsonl", rows, lambda row: Document(**{**row, "meta": DocMeta(**row["meta"])}))


def read_chunks(directory: Path, expected: int | None = None) -> list[Chunk]:
    rows = _read_rows(directory, "chunks.jsonl", expected)
    return _parse(directory, "chunks.jsonl", rows, chunk_of)


def _parse(directory: Path, name: str, rows: list[dict[str, Any]], make: Callable[[dict[str, Any]], T]) -> list[T]:
    out: list[T] = []
    for line, row in enumerate(rows, start=1):
        try:
            out.append(make(row))
        except (TypeError, KeyError, ValueError) as exc:
            raise _damaged(directory, texts.INDEX_BAD_LINE.format(file=name, line=line)) from exc
    return out


def _damaged(directory: Path, problem: str) -> IndexStateError:
    return IndexStateError(texts.INDEX_DAMAGED.format(name=directory.name, problem=problem))


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_rows(directory: Path, name: str, expected: int | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    try:
        with (directory / name).open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    rows.append(_row(directory, name, number, line))
    except (OSError, UnicodeDecodeError) as exc:
        raise _damaged(directory, texts.INDEX_UNREADABLE.format(file=name)) from exc
    if expected is not None and len(rows) != expected:
        raise _damaged(directory, texts.INDEX_COUNT.format(file=name, actual=len(rows), expected=expected))
    return rows


def _row(directory: Path, name: str, number: int, line: str) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except ValueError as exc:
        raise _damaged(directory, texts.INDEX_BAD_LINE.format(file=name, line=number)) from exc
    if not isinstance(row, dict):
        raise _damaged(directory, texts.INDEX_BAD_LINE.format(file=name, line=number))
    return row
