"""Reading source files as text, whatever their encoding, or saying why not."""

from __future__ import annotations

from pathlib import Path

from rag.errors import DocumentError

MAX_FILE_BYTES = 50_000_000
_ENCODINGS = ("utf-8-sig", "gb18030")


def decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK."""
    if not data.strip():
        raise DocumentError(f"{name}: file is empty; remove it or add its text")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise DocumentError(f"{name}: binary file, not text; convert it to UTF-8 text first")
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError(f"{name}: cannot decode as UTF-8 or GB18030; save it as UTF-8 and retry")


def read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DocumentError(f"{path}: {size} bytes is larger than the {MAX_FILE_BYTES} byte limit")
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read file ({exc.strerror})") from exc
    return decode(data, str(path))
