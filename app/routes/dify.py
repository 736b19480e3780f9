"""POST /retrieval: lawqa as a Dify external knowledge base.

Follows Dify's External Knowledge API: Dify appends /retrieval to the endpoint
it is given and sends `Authorization: Bearer <key>` with
{knowledge_id, query, retrieval_setting: {top_k, score_threshold}, metadata_condition?}.
The reply is {"records": [{content, score, title, metadata}]} (metadata always
an object, never null); errors are {"error_code", "error_msg"}:
1001 malformed Authorization header and 1002 wrong key (HTTP 403, Dify's
AccessDeniedException), 2001 unknown knowledge (HTTP 404).

`knowledge_id` names a lawqa collection ("seeds", "national", ...). The key is
LAWQA_API_KEY; without one set, every request is refused (1002), since a
knowledge base open to anyone is rarely what a deployment means. Scores are
lawqa's fused scores, clipped to Dify's 0..1; `metadata_condition` is accepted
and not applied.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from app.deps import EngineDep
from app.present import section_label
from app.routes.errors import ERROR_RESPONSES
from rag import texts

router = APIRouter(tags=["dify"], responses={400: ERROR_RESPONSES[400], 422: ERROR_RESPONSES[422]})


class RetrievalSetting(BaseModel):
    top_k: int = Field(ge=1, le=50)
    score_threshold: float = Field(default=0.0, ge=0.0, le=1.0)


class RetrievalRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    knowledge_id: str
    query: str
    retrieval_setting: RetrievalSetting
    metadata_condition: dict[str, Any] | None = None


def dify_error(code: int, message: str, status: int) -> JSONResponse:
    return JSONResponse({"error_code": code, "error_msg": message}, status_code=status)


def auth_error(authorization: str | None, expected: str) -> JSONResponse | None:
    scheme, _, key = (authorization or "").partition(" ")
    if scheme != "Bearer" or not key.strip():
        return dify_error(1001, texts.DIFY_BAD_HEADER, 403)
    if not expected:
        return dify_error(1002, texts.DIFY_NO_KEY, 403)
    if not secrets.compare_digest(key.strip().encode(), expected.encode()):
        return dify_error(1002, texts.DIFY_AUTH_FAILED, 403)
    return None


@router.post("/retrieval", summary="Dify external knowledge base retrieval", response_model=None,
             responses={403: {"description": "error_code 1001 or 1002"}, 404: {"description": "error_code 2001"}})
def retrieval(body: RetrievalRequest, engine: EngineDep,
              authorization: Annotated[str | None, Header()] = None) -> dict[str, Any] | JSONResponse:
    refused = auth_error(authorization, engine.settings.api_key)
    if refused is not None:
        return refused
    if body.knowledge_id not in engine.collections:
        known = "、".join(engine.collections)
        return dify_error(2001, texts.DIFY_NO_KNOWLEDGE.format(knowledge_id=body.knowledge_id, known=known), 404)
    hits = engine.search(body.query, top_k=body.retrieval_setting.top_k, collections=[body.knowledge_id])
    records = []
    for hit in hits:
        score = round(min(1.0, max(0.0, hit.score)), 4)
        if score < body.retrieval_setting.score_threshold:
            continue
        chunk, meta = hit.chunk, engine.metas[hit.chunk.doc_id]
        content = f"{chunk.label}：{chunk.text}" if chunk.label else chunk.text
        metadata = {"doc_id": chunk.doc_id, "section": section_label(chunk.section), "label": chunk.label,
                    "start": chunk.start, "end": chunk.end, "source": meta.source, "place": meta.place,
                    "date": meta.date, "collection": chunk.collection, "rank": hit.rank}
        records.append({"content": content, "score": score, "title": meta.title, "metadata": metadata})
    return {"records": records}
