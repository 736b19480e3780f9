"""The parsing libraries behind each format: python-docx, pypdf and trafilatura.

Imported lazily, when a file of that format is read. Each function takes the
file's bytes and returns plain text with heading lines (see `blocks`), or
raises DocumentError with a Chinese message naming the file and the reason.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from rag import texts
from rag.errors import DocumentError
from rag.ingest.blocks import Block, blocks_text, markdown_blocks, paragraph_block
from rag.ingest.loading import decode

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
MAX_UNZIPPED_BYTES = 200_000_000
MAX_ZIP_RATIO = 100
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")  # trafilatura's Markdown bold, not part of the text
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MIN_PDF_CHARS_PER_PAGE = 5  # below this on average, a PDF has no usable text layer


def extract(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if not data.strip():
        raise DocumentError(texts.FILE_EMPTY.format(name=path))
    if suffix == ".docx":
        text = docx_text(data, str(path))
    elif suffix == ".pdf":
        text = pdf_text(data, str(path))
    elif suffix in (".html", ".htm"):
        text = html_text(data, str(path))
    else:
        raise DocumentError(texts.FILE_UNSUPPORTED.format(name=path, suffix=suffix,
                                                          supported="、".join(SUPPORTED_SUFFIXES)))
    if not text.strip():
        raise DocumentError(texts.FILE_NO_TEXT.format(name=path))
    return text


def markdown_text(text: str) -> str:
    return blocks_text(markdown_blocks(text))


def check_zip(data: bytes, name: str) -> None:
    """Refuse a .docx whose members would unpack far beyond its size (a zip bomb), before parsing."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise DocumentError(texts.DOCX_BROKEN.format(name=name, reason=exc)) from exc
    ratio = unpacked / max(len(data), 1)
    if unpacked > MAX_UNZIPPED_BYTES or ratio > MAX_ZIP_RATIO:
        raise DocumentError(texts.DOCX_BOMB.format(name=name, size=unpacked, ratio=ratio))


def docx_text(data: bytes, name: str) -> str:
    check_zip(data, name)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise DocumentError(texts.DOCX_BROKEN.format(name=name, reason=exc)) from exc
    blocks = [paragraph_block(p.text, p.style.name if p.style is not None and p.style.name else "")
              for p in document.paragraphs]
    for table in document.tables:  # tables after the body text: rows as "cell　cell" lines
        rows = ("　".join(dict.fromkeys(cell.text.strip() for cell in row.cells)) for row in table.rows)
        blocks.extend(Block("text", row) for row in rows if row.strip())
    return blocks_text(blocks)


def pdf_text(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        # Some writers' font maps yield NULs between characters: control characters are never text.
        pages = [_CONTROLS.sub("", page.extract_text() or "") for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(texts.PDF_BROKEN.format(name=name, reason=exc)) from exc
    characters = sum(len("".join(p.split())) for p in pages)
    if characters < MIN_PDF_CHARS_PER_PAGE * max(len(pages), 1):
        raise DocumentError(texts.PDF_SCANNED.format(name=name))
    return "\n\n".join(page.strip() for page in pages if page.strip())


def html_text(data: bytes, name: str) -> str:
    """The main content only (trafilatura drops navigation, footers and ads); h1–h6 become headings."""
    import trafilatura

    markup = decode(data, name)
    extracted = trafilatura.extract(markup, output_format="markdown", include_formatting=True,
                                    include_tables=True, include_comments=False, favor_recall=True)
    if not extracted or not extracted.strip():
        raise DocumentError(texts.HTML_NO_CONTENT.format(name=name))
    blocks = markdown_blocks(_EMPHASIS.sub(r"\2", extracted))
    metadata = trafilatura.extract_metadata(markup)
    if metadata is not None and metadata.title and (not blocks or blocks[0].kind != "heading"):
        blocks.insert(0, Block("heading", metadata.title, 1))  # the page's <title> when no h1 is kept
    return blocks_text(blocks)
