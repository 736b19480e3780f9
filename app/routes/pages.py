"""GET /doc/{doc_id}: a whole document as a plain page, the cited passage marked and scrolled to.

The chat's "查看全文" links here. Everything from the document is escaped; the
page loads nothing but its own inline style, so it works on a closed intranet.
An unknown document or an index not loaded get the same kind of page, in words
(a browser opened it), never a JSON body.
"""

from __future__ import annotations

import html

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from app import ui_texts
from app.deps import RuntimeDep
from app.routes.documents import clean_span
from app.routes.errors import public_message
from rag.types import Document

router = APIRouter(include_in_schema=False)

_STYLE = """
body{margin:0;background:#f5f7fb;color:#1f2937;font:16px/1.9 "Noto Sans CJK SC","Source Han Sans SC",
"PingFang SC","Microsoft YaHei",system-ui,sans-serif}
main{max-width:820px;margin:0 auto;padding:28px 24px 80px;background:#fff;min-height:100vh;
box-shadow:0 0 0 1px #e5e7eb}
h1{font-size:22px;line-height:1.5;color:#0f2f63;margin:8px 0}
.meta{color:#6b7280;font-size:14px}.back{font-size:14px;color:#1d4ed8;text-decoration:none}
.text{white-space:pre-wrap;margin-top:20px}
mark{background:#fff3b0;padding:2px 0;border-bottom:2px solid #f59e0b;scroll-margin-top:40vh}
"""


@router.get("/doc/{doc_id}", response_class=HTMLResponse)
def document_page(doc_id: str, runtime: RuntimeDep, start: int | None = None, end: int | None = None) -> HTMLResponse:
    if runtime.engine is None:
        message = public_message(runtime.error or ui_texts.INDEX_NOT_LOADED)
        return HTMLResponse(render_message(ui_texts.DOCUMENT_UNAVAILABLE, message), status_code=503)
    document = runtime.engine.documents.get(doc_id)
    if document is None:
        message = ui_texts.DOCUMENT_NOT_FOUND.format(doc_id=doc_id)
        return HTMLResponse(render_message(ui_texts.DOCUMENT_MISSING_TITLE, message), status_code=404)
    span = clean_span(runtime.passages.get(doc_id, []), start, end) if start is not None and end is not None \
        else None
    marked = (span.clean_start, span.clean_end) if span is not None else None
    return HTMLResponse(render_document(document, marked))


def render_message(title: str, message: str) -> str:
    return _page(title, f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>")


def _page(title: str, content: str) -> str:
    return (f"<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body><main>"
            f"<a class=\"back\" href=\"../\">‹ {ui_texts.DOCUMENT_PAGE_BACK}</a>{content}</main></body></html>")


def render_document(document: Document, marked: tuple[int, int] | None) -> str:
    text, meta = document.text, document.meta
    if marked is None:
        body = html.escape(text)
    else:
        low, high = marked
        body = (f"{html.escape(text[:low])}<mark id=\"cited\" title=\"{ui_texts.CITED_PASSAGE}\">"
                f"{html.escape(text[low:high])}</mark>{html.escape(text[high:])}")
    details = " · ".join(html.escape(part) for part in (meta.place, meta.date, meta.issuer, meta.source) if part)
    return _page(meta.title, f"<h1>{html.escape(meta.title)}</h1><div class=\"meta\">{details}</div>"
                             f"<div class=\"text\">{body}</div>")
