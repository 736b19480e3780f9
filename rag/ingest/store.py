"""The index on disk: a directory with a manifest, written atomically.

    manifest.json     encoder, dimension, counts, corpus hash, code and format version
    documents.jsonl   one cleaned document per line (metadata and clean text)
    chunks.jsonl      one chunk per line; line i is row i of the vectors and of BM25
    bm25.npz, bm25_vocab.json, vectors.*

A build writes everything into a sibling temp directory, writes the manifest
last, then swaps directories with renames, so a crash leaves either the old
index or none, never a half-written one under the real name.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rag.errors import IndexStateError
from rag.types import Chunk, DocMeta, Document

FORMAT_VERSION = 1
MANIFEST = "manifest.json"


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


def write_index(directory: Path, manifest: Manifest, documents: Sequence[Document], chunks: Sequence[Chunk],
                write_parts: Callable[[Path], None]) -> None:
    """write_parts(tmp) saves the vector store and BM25 into tmp before the swap."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = directory.with_name(f".{directory.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    _write_jsonl(tmp / "documents.jsonl", (asdict(d) for d in documents))
    _write_jsonl(tmp / "chunks.jsonl", (asdict(c) for c in chunks))
    write_parts(tmp)
    (tmp / MANIFEST).write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=2), encoding="utf-8")
    old = directory.with_name(f".{directory.name}.old-{os.getpid()}")
    if directory.exists():
        directory.rename(old)
    tmp.rename(directory)
    shutil.rmtree(old, ignore_errors=True)


def read_manifest(directory: Path) -> Manifest:
    path = directory / MANIFEST
    if not path.exists():
        raise IndexStateError(f"no index at {directory}; build it with 'lawqa index'")
    try:
        manifest = Manifest(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise IndexStateError(f"{path} is damaged ({exc}); rebuild with 'lawqa index'") from exc
    if manifest.format_version != FORMAT_VERSION:
        raise IndexStateError(
            f"index at {directory} has format {manifest.format_version}, this lawqa reads "
            f"{FORMAT_VERSION}; rebuild with 'lawqa index'"
        )
    return manifest


def check_encoder(manifest: Manifest, directory: Path, encoder: str, dim: int) -> None:
    if manifest.encoder != encoder or manifest.dim != dim:
        raise IndexStateError(
            f"index at {directory} was built with {manifest.encoder} ({manifest.dim}d), settings say "
            f"{encoder} ({dim}d); run 'lawqa index' to rebuild it, or set LAWQA_ENCODER={manifest.encoder}"
        )


def read_documents(directory: Path) -> list[Document]:
    rows = _read_jsonl(directory / "documents.jsonl")
    return [Document(**{**row, "meta": DocMeta(**row["meta"])}) for row in rows]


def read_chunks(directory: Path) -> list[Chunk]:
    return [Chunk(**{**row, "section": tuple(row["section"]),
                     "origin_runs": tuple(map(tuple, row.get("origin_runs", ())))})
            for row in _read_jsonl(directory / "chunks.jsonl")]


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8") as lines:
            return [json.loads(line) for line in lines if line.strip()]
    except (OSError, ValueError) as exc:
        raise IndexStateError(f"{path} is missing or damaged ({exc}); rebuild with 'lawqa index'") from exc
