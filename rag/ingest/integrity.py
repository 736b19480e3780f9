"""Checks that an index directory is the one its manifest describes: every file, its size and its sha256.

The manifest records {file name: (bytes, sha256)} for every file a build wrote.
Loading compares sizes and checksums before anything is parsed, so a truncated
or edited file is named in a clear message instead of failing deep inside
numpy or FAISS. Hashing runs at disk speed (about 0.1 s for a 25,000-passage
index, see README), so it is done on every load.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rag import texts

_BLOCK = 1 << 20


@dataclass(frozen=True)
class FileRecord:
    bytes: int
    sha256: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while block := data.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def record_files(directory: Path, names: Iterable[str]) -> dict[str, FileRecord]:
    return {name: FileRecord((directory / name).stat().st_size, sha256_of(directory / name)) for name in sorted(names)}


def file_problem(directory: Path, files: dict[str, FileRecord]) -> str | None:
    """The first difference between the directory and the recorded files, in words; None when they match."""
    for name, record in files.items():
        path = directory / name
        if not path.is_file():
            return texts.INDEX_FILE_MISSING.format(file=name)
        size = path.stat().st_size
        if size != record.bytes:
            return texts.INDEX_FILE_SIZE.format(file=name, actual=size, expected=record.bytes)
    for name, record in files.items():  # sizes first: cheap, and they catch truncation
        try:
            if sha256_of(directory / name) != record.sha256:
                return texts.INDEX_FILE_CHECKSUM.format(file=name)
        except OSError:
            return texts.INDEX_UNREADABLE.format(file=name)
    return None
