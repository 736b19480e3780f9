"""GET /api/documents (the catalog) and /api/documents/{doc_id} (clean text, cited span).

Citations carry offsets into the original source file; the text served here is
the clean text. A requested original span is mapped through the passages that
overlap it, each of which knows both its original and its clean offsets, so the
mapping is exact at passage boundaries (which is where citations begin and end)
and widens to whole passages otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from app import ui_texts
from app.deps import EngineDep, RuntimeDep
from app.routes.errors import ERROR_RESPONSES
from app.schemas import DocumentDetail, DocumentList, DocumentSummary, ErrorBody, Span
from rag.types import Chunk, Document

router = APIRouter(prefix="/api/documents", tags=["documents"])
Offset = Annotated[int | None, Query(ge=0, description="offset in the original source file, as in a citation")]


@router.get("", response_model=DocumentList, summary="List the indexed documents",
            responses={503: ERROR_RESPONSES[503]})
def list_documents(engine: EngineDep, runtime: RuntimeDep) -> DocumentList:
    rows = [summary(doc, len(runtime.passages.get(doc.doc_id, ()))) for doc in engine.documents.values()]
    return DocumentList(count=len(rows), documents=rows)


@router.get("/{doc_id}", response_model=DocumentDetail, summary="One document's clean text",
            responses={**ERROR_RESPONSES, 404: {"model": ErrorBody, "description": "unknown document"}})
def get_document(doc_id: str, engine: EngineDep, runtime: RuntimeDep,
                 start: Offset = None, end: Offset = None) -> DocumentDetail:
    document = engine.documents.get(doc_id)
    if document is None:
        raise HTTPException(404, ui_texts.DOCUMENT_NOT_FOUND.format(doc_id=doc_id))
    passages = runtime.passages.get(doc_id, [])
    span = None
    if start is not None or end is not None:
        if start is None or end is None:
            raise HTTPException(422, ui_texts.SPAN_INCOMPLETE)
        if not 0 <= start < end:
            raise HTTPException(422, ui_texts.SPAN_INVALID.format(start=start, end=end))
        span = clean_span(passages, start, end)
        if span is None:
            raise HTTPException(422, ui_texts.SPAN_NOT_IN_DOCUMENT.format(start=start, end=end, doc_id=doc_id))
    return DocumentDetail(**summary(document, len(passages)).model_dump(), text=document.text, span=span)


def summary(document: Document, chunk_count: int) -> DocumentSummary:
    meta = document.meta
    return DocumentSummary(doc_id=document.doc_id, title=meta.title, place=meta.place, issuer=meta.issuer,
                           date=meta.date, source=meta.source, kind=meta.kind, chunks=chunk_count)


def clean_span(passages: Sequence[Chunk], start: int, end: int) -> Span | None:
    """The clean-text span of the passages overlapping original [start, end), or None if none do."""
    covering = [c for c in passages if c.start < end and c.end > start]
    if not covering:
        return None
    exact = start in {c.start for c in covering} and end in {c.end for c in covering}
    return Span(start=start, end=end, clean_start=min(c.clean_start for c in covering),
                clean_end=max(c.clean_end for c in covering), exact=exact)
