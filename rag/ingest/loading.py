"""Reading source files as text, whatever their format and encoding, or saying why not.

Plain text (.txt, .md) is decoded here: UTF-8 first (with or without BOM),
UTF-16 with a BOM, then the encoding charset-normalizer finds most likely
(GB18030/GBK, Big5, UTF-16 without BOM...). Other formats go through
`rag.ingest.formats`, which calls the parsing libraries. Every refusal is a
DocumentError whose Chinese message names the file and the reason.
"""

from __future__ import annotations

from pathlib import Path

from rag import texts
from rag.errors import DocumentError

MAX_FILE_BYTES = 50_000_000
TEXT_SUFFIXES = (".txt", ".md")
# Encodings a Chinese desk meets; detection is limited to them so that GBK text
# is never taken for, say, a Cyrillic code page.
_CANDIDATES = ["gb18030", "big5", "utf_16", "utf_16_le", "utf_16_be", "utf_32"]


def decode(data: bytes, name: str) -> str:
    """Decode UTF-8/UTF-16 (BOM), else the most likely Chinese encoding."""
    if not data.strip(b" \t\r\n\x00"):
        raise DocumentError(texts.FILE_EMPTY.format(name=name))
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    guess = _detect(data)
    if guess is None:
        if b"\x00" in data:
            raise DocumentError(texts.FILE_BINARY.format(name=name))
        raise DocumentError(texts.FILE_UNDECODABLE.format(name=name))
    return guess


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000], cp_isolation=_CANDIDATES).best()
    if best is None or best.encoding is None:
        return None
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    # Control characters other than whitespace mean the bytes were not text after all.
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\r\n\f")
    return None if controls > len(text) // 100 else text


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DocumentError(texts.FILE_TOO_LARGE.format(name=path, size=size, limit=MAX_FILE_BYTES))
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(texts.FILE_UNREADABLE.format(name=path, reason=exc.strerror)) from exc


def read_text(path: Path) -> str:
    return decode(read_bytes(path), str(path))


def read_document(path: Path) -> str:
    """The text of any supported file: decoded plain text, or what the format's parser extracts."""
    from rag.ingest import formats

    suffix = path.suffix.lower()
    if suffix not in formats.SUPPORTED_SUFFIXES:
        raise DocumentError(texts.FILE_UNSUPPORTED.format(
            name=path, suffix=suffix or "无扩展名", supported="、".join(formats.SUPPORTED_SUFFIXES)))
    if suffix == ".md":
        return formats.markdown_text(read_text(path))
    if suffix == ".txt":
        return read_text(path)
    return formats.extract(path, read_bytes(path))
