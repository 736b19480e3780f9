"""Loading one report file: read, clean, chunk, and attach its metadata."""

from __future__ import annotations

from pathlib import Path

from rag import texts
from rag.errors import DocumentError
from rag.ingest.chunking import DEFAULT_MAX_CHARS, chunk_report
from rag.ingest.cleaning import clean_report
from rag.ingest.loading import read_document
from rag.types import Chunk, DocMeta, Document


def load_report(
    path: Path,
    *,
    doc_id: str,
    meta: DocMeta | None,
    collection: str = "seeds",
    max_chars: int = DEFAULT_MAX_CHARS,
) -> tuple[Document, list[Chunk]]:
    report = clean_report(read_document(path))
    text, chunks = chunk_report(doc_id, report, max_chars=max_chars, collection=collection)
    if not chunks:
        raise DocumentError(texts.FILE_NO_TEXT.format(name=path))
    if meta is None:
        titles = [line.text.text for line in report.lines if line.kind == "title"]
        meta = DocMeta(title="".join(titles) or path.stem, date=report.metadata.get("date", ""),
                       source=report.metadata.get("source", ""))
    document = Document(doc_id=doc_id, path=str(path), text=text.text, meta=meta, collection=collection)
    return document, chunks
