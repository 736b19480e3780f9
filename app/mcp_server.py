"""`lawqa mcp`: the laws and reports as Model Context Protocol tools, over stdio.

Tools:
- `search`: ranked passages for a query, each with its document, section and offsets;
- `answer`: an answer with numbered citations (generated and verified when asked
  for and an endpoint is configured, else extractive);
- `get_document`: a document's clean text, or the passages covering an original-file span
  (the `start`/`end` a citation gives);
- `get_article`: one statute article by its label ("民法典第54条", "民法典 第五十四条").

The engine loads once before the server starts reading stdin. stdout carries
the protocol, so anything a library prints while loading goes to stderr.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from app.config import Settings
from app.deps import Runtime
from app.engine import Engine
from app.generation import Generation, load_generation, response_dict
from app.present import hit_row, section_label, validity_dict
from app.routes.documents import clean_span
from rag import texts
from rag.errors import InputError, LawqaError
from rag.text.numerals import normalize_article_refs

_Tool = Callable[..., dict[str, Any]]
AS_OF_HELP = ("Optional as_of (YYYY-MM-DD): each law in the version in force that day; statute passages carry "
              "status (现行有效/已修改/已废止), publish and effective.")
INSTRUCTIONS = ("lawqa answers Chinese legal questions from the laws and reports it holds, with exact citations. "
                "Use `answer` for a question, `search` to browse passages, `get_article` or `get_document` to "
                "read a cited article or span in full.")


def build_server(engine: Engine, generation: Generation) -> MCPServer:
    runtime = Runtime()
    runtime.attach(engine)
    server: MCPServer = MCPServer("lawqa", instructions=INSTRUCTIONS)
    tool = _lawqa_tool(server)

    @tool(description="Search the laws and reports; returns ranked passages with document, section and offsets. "
          + AS_OF_HELP)
    def search(query: str, top_k: int = 5, collections: list[str] | None = None,
               as_of: str | None = None) -> dict[str, Any]:
        hits = engine.search(query, top_k=top_k, collections=collections or None, as_of=as_of)
        dated = engine.dated(query, as_of)
        return {"query": query.strip(), "hits": [hit_row(h, engine.metas[h.chunk.doc_id]) for h in hits],
                "as_of": dated.as_of.day if dated.as_of else None}

    @tool(description="Answer a Chinese legal question; every sentence carries a numbered citation [n]. " + AS_OF_HELP)
    def answer(question: str, top_k: int = 5, generate: bool | None = None, as_of: str | None = None
               ) -> dict[str, Any]:
        result = engine.answer(question, top_k=top_k, as_of=as_of)
        return response_dict(*generation.apply(engine, result, generate))

    @tool(description="A document's clean text; with start and end (from a citation), the passages there.")
    def get_document(doc_id: str, start: int | None = None, end: int | None = None) -> dict[str, Any]:
        return document_span(engine, runtime, doc_id, start, end)

    @tool(description="One statute article by label, e.g. '民法典第54条' or '民法典 第五十四条'.")
    def get_article(label: str) -> dict[str, Any]:
        return find_article(runtime, engine, label)

    return server


def _lawqa_tool(server: MCPServer) -> Callable[..., Callable[[_Tool], _Tool]]:
    """`server.tool`, with lawqa's errors reported to the client in their own (Chinese) words."""

    def register(**options: Any) -> Callable[[_Tool], _Tool]:
        def wrap(function: _Tool) -> _Tool:
            @functools.wraps(function)
            def run(*args: Any, **kwargs: Any) -> dict[str, Any]:
                try:
                    return function(*args, **kwargs)
                except LawqaError as exc:
                    raise ToolError(str(exc)) from exc

            server.tool(**options)(run)
            return function

        return wrap

    return register


def document_span(engine: Engine, runtime: Runtime, doc_id: str, start: int | None, end: int | None
                  ) -> dict[str, Any]:
    document = engine.documents.get(doc_id)
    if document is None:
        raise InputError(texts.UNKNOWN_DOCUMENT.format(doc_ids=doc_id))
    head = {"doc_id": doc_id, "title": document.meta.title, "source": document.meta.source}
    if start is None or end is None:
        return {**head, "text": document.text}
    span = clean_span(runtime.passages.get(doc_id, []), start, end) if 0 <= start < end else None
    if span is None:
        raise InputError(texts.SPAN_OUTSIDE.format(start=start, end=end, doc_id=doc_id))
    return {**head, "start": start, "end": end, "text": document.text[span.clean_start:span.clean_end]}


def find_article(runtime: Runtime, engine: Engine, label: str) -> dict[str, Any]:
    wanted = _squash(normalize_article_refs(label))
    # The version in force first: an older version's article is found only when no current one has it.
    for doc_id, chunks in sorted(runtime.passages.items(), key=lambda item: not engine.metas[item[0]].in_force):
        meta = engine.metas[doc_id]
        for chunk in chunks:
            article = chunk.label.split()[-1] if chunk.label else ""
            if chunk.label and wanted in {_squash(chunk.label), _squash(meta.title + article)}:
                return {"doc_id": doc_id, "title": meta.title, "label": chunk.label, "text": chunk.text,
                        "section": section_label(chunk.section), "start": chunk.start, "end": chunk.end,
                        **validity_dict(meta), "in_force": meta.in_force}
    raise InputError(texts.ARTICLE_NOT_FOUND.format(label=label))


def _squash(text: str) -> str:
    return "".join(text.split())


def run(settings: Settings) -> None:
    from app.engine import load_engine

    with contextlib.redirect_stdout(sys.stderr):  # stdout is the protocol's channel
        engine = load_engine(settings)
        server = build_server(engine, load_generation(settings))
    server.run("stdio")
