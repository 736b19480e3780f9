"""lawqa as a "model" for OpenAI-compatible chat clients: GET /v1/models, POST /v1/chat/completions.

The last user message is the question; the user messages before it feed the
follow-up rewriting ("那坦洲呢？"), exactly as in the browser chat. The reply is
the answer (extractive, or generated and verified) followed by its sources;
the structured citations ride along in an extra `citations` field, and
`lawqa` holds the question as searched and the generation report.

Model `lawqa` answers as the deployment is configured; `lawqa-generate` asks for
generation (listed only when an endpoint is configured). When LAWQA_API_KEY
is set, requests must carry it as a Bearer key, as OpenAI clients do.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from app.deps import EngineDep, RuntimeDep
from app.engine import Engine
from app.followup import rewrite
from app.generation import Generation, GenerationDep, report_dict
from app.present import citation_dict, section_label
from app.routes.errors import ERROR_RESPONSES
from app.schemas import ErrorBody
from rag import texts
from rag.answer.generate import GenerationReport
from rag.errors import InputError
from rag.types import Answer

MODEL = "lawqa"
GENERATE_MODEL = "lawqa-generate"


class ChatTurn(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):  # content parts: only the text ones matter here
            return "".join(str(part.get("text", "")) for part in self.content if part.get("type") == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # clients send temperature, max_tokens...; they do not apply

    model: str = MODEL
    messages: list[ChatTurn] = Field(min_length=1)
    stream: bool = False
    top_k: int = Field(default=5, description="lawqa extension: citations to return")


def require_key(engine: EngineDep, authorization: Annotated[str | None, Header()] = None) -> None:
    expected = engine.settings.api_key
    if expected and authorization != f"Bearer {expected}":
        raise HTTPException(401, texts.API_KEY_REQUIRED, headers={"WWW-Authenticate": "Bearer"})


router = APIRouter(prefix="/v1", tags=["openai-compatible"], dependencies=[Depends(require_key)],
                   responses={**ERROR_RESPONSES, 401: {"model": ErrorBody, "description": "missing or wrong API key"}})


@router.get("/models", summary="The models lawqa answers as")
def models(generation: GenerationDep) -> dict[str, Any]:
    names = [MODEL, GENERATE_MODEL] if generation.generator is not None else [MODEL]
    return {"object": "list", "data": [{"id": n, "object": "model", "created": 0, "owned_by": "lawqa"} for n in names]}


@router.post("/chat/completions", summary="Answer the last user message, with its sources", response_model=None)
def chat_completions(body: ChatRequest, engine: EngineDep, runtime: RuntimeDep,
                     generation: GenerationDep) -> dict[str, Any] | StreamingResponse:
    asked = [turn.text() for turn in body.messages if turn.role == "user" and turn.text().strip()]
    if not asked:
        raise InputError(texts.EMPTY_QUESTION)
    previous = None
    for earlier in asked[:-1]:
        previous = rewrite(earlier, previous, runtime.places)
    searched = rewrite(asked[-1], previous, runtime.places)
    answer = engine.answer(searched, top_k=body.top_k)
    requested = True if body.model == GENERATE_MODEL else None
    reply = Reply(f"chatcmpl-{uuid.uuid4().hex}", int(time.time()), body.model, searched)
    if body.stream:
        return StreamingResponse(reply.chunks(engine, generation, answer, requested), media_type="text/event-stream")
    final, report = generation.apply(engine, answer, requested)
    return reply.completion(final, report)


class Reply:
    """One completion's identity, and its body in the whole or in chunks."""

    def __init__(self, reply_id: str, created: int, model: str, searched: str) -> None:
        self.id, self.created, self.model, self.searched = reply_id, created, model, searched

    def completion(self, answer: Answer, report: GenerationReport | None) -> dict[str, Any]:
        message = {"role": "assistant", "content": f"{answer.text}\n\n{sources_text(answer)}"}
        return {**self._head("chat.completion"),
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                **self._extra(answer, report)}

    def chunks(self, engine: Engine, generation: Generation, answer: Answer, requested: bool | None) -> Iterator[str]:
        yield self._chunk({"role": "assistant", "content": ""})
        shown = ""
        for event in generation.stream(engine, answer, requested):
            if event.kind == "sentence" and event.text:
                shown += event.text
                yield self._chunk({"content": event.text})
            elif event.kind == "done" and event.answer is not None:
                final = event.answer
                if final.text != shown:  # a fallback after part of a generated answer was shown
                    note = event.report.note if event.report else ""
                    yield self._chunk({"content": "\n\n".join(p for p in (shown and note, final.text) if p)})
                yield self._chunk({"content": f"\n\n{sources_text(final)}"})
                yield self._chunk({}, finish="stop", extra=self._extra(final, event.report))
        yield "data: [DONE]\n\n"

    def _head(self, kind: str) -> dict[str, Any]:
        return {"id": self.id, "object": kind, "created": self.created, "model": self.model}

    def _chunk(self, delta: dict[str, Any], *, finish: str | None = None, extra: dict[str, Any] | None = None) -> str:
        body = {**self._head("chat.completion.chunk"),
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **(extra or {})}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    def _extra(self, answer: Answer, report: GenerationReport | None) -> dict[str, Any]:
        return {"citations": [citation_dict(c) for c in answer.citations],
                "lawqa": {"question": self.searched, "abstained": answer.abstained, "confidence": answer.confidence,
                          "generation": report_dict(report)}}


def sources_text(answer: Answer) -> str:
    """The sources under a reply: the quoted ones, or the nearest passages when the answer abstained."""
    used = [c for c in answer.citations if c.quote] or list(answer.citations)
    lines = [f"[{c.n}] {c.meta.title} · {c.hit.chunk.label or section_label(c.hit.chunk.section) or '正文'}"
             for c in used]
    return "\n".join([texts.SOURCES_HEADING, *lines]) if lines else ""
