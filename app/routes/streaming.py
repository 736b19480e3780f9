"""POST /api/answer/stream: the answer as server-sent events, verified sentence by sentence.

Events, each `data` a JSON object:
- `sentence` {"text"}: a sentence to append (with generation: one that passed verification);
- `removed` {"sentence", "reason"}: a generated sentence verification dropped;
- `done`: the full body POST /api/answer returns. It is authoritative: after a
  timeout or endpoint error part-way, or when no sentence survived, it carries
  the extractive answer and `generation.fallback` is true, with a note.

The question is searched and the extractive answer built before the response
starts, so a bad request is still a plain 422 rather than a broken stream.
"""

from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from app.deps import EngineDep
from app.generation import GenerationDep, response_dict
from app.routes.api import _check_top_k
from app.routes.errors import ERROR_RESPONSES
from app.schemas import AnswerRequest
from rag.answer.generate import StreamEvent

router = APIRouter(prefix="/api", tags=["questions"], responses=ERROR_RESPONSES)


@router.post("/answer/stream", summary="Answer as server-sent events (sentence, removed, done)",
             response_class=StreamingResponse, responses={200: {"content": {"text/event-stream": {}}}})
def answer_stream(body: AnswerRequest, engine: EngineDep, generation: GenerationDep) -> StreamingResponse:
    _check_top_k(body.top_k, engine.settings.max_top_k)
    result = engine.answer(body.question, top_k=body.top_k, mode=body.mode, doc_ids=body.doc_ids or None,
                           collections=body.collections or None, as_of=body.as_of)
    events = (sse(event) for event in generation.stream(engine, result, body.generate))
    return StreamingResponse(events, media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def sse(event: StreamEvent) -> str:
    if event.kind == "done" and event.answer is not None:
        data: object = response_dict(event.answer, event.report)
    elif event.kind == "removed" and event.removed is not None:
        data = {"sentence": event.removed.sentence, "reason": event.removed.reason}
    else:
        data = {"text": event.text}
    return f"event: {event.kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
