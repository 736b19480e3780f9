"""What an upload must be before it is kept: a safe name, a supported format, a bounded size.

Names come from browsers and scripts: only the last path component is kept
(either slash), and anything that could still escape the collection folder or
hide there (dots, control characters, reserved names) is refused. A file is
also parsed once before it is kept, so a scanned PDF or a zip bomb is refused
at upload with its reason instead of failing a later build.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from pathlib import Path

from rag import texts
from rag.errors import DocumentError, InputError
from rag.ingest.formats import SUPPORTED_SUFFIXES
from rag.ingest.loading import read_document

_NAME = re.compile(r"^[\w\-\u4e00-\u9fff]{1,40}$")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def collection_name(name: str) -> str:
    name = name.strip()
    if not _NAME.fullmatch(name) or name.startswith("-"):
        raise InputError(texts.KB_BAD_NAME.format(name=name[:60]))
    return name


def safe_filename(name: str) -> str:
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1].strip())
    bad = (not base or base.startswith(".") or len(base) > 120 or base.split(".")[0].lower() in _RESERVED
           or any(unicodedata.category(c).startswith("C") for c in base) or any(c in base for c in '<>:"|?*'))
    if bad:
        raise InputError(texts.KB_BAD_FILENAME.format(name=name[:120]))
    return base


def check_upload(name: str, data: bytes, max_bytes: int) -> str:
    """The safe file name, once the bytes are known to parse into text; DocumentError says why not."""
    base = safe_filename(name)
    suffix = Path(base).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(texts.FILE_UNSUPPORTED.format(name=base, suffix=suffix or "无扩展名",
                                                          supported="、".join(SUPPORTED_SUFFIXES)))
    if len(data) > max_bytes:
        raise DocumentError(texts.FILE_TOO_LARGE.format(name=base, size=len(data), limit=max_bytes))
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / base
        probe.write_bytes(data)
        try:
            read_document(probe)
        except DocumentError as exc:
            raise DocumentError(str(exc).replace(str(probe), base)) from exc
    return base
