"""POST /api/feedback: 👍/👎 on an answer, with an optional comment, kept under the data directory."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from app.deps import RuntimeDep
from app.feedback import MAX_COMMENT, Feedback, FeedbackCitation
from app.routes.errors import ERROR_RESPONSES
from rag import texts

router = APIRouter(prefix="/api", tags=["feedback"], responses=ERROR_RESPONSES)


class CitationIn(BaseModel):
    n: int
    doc_id: str
    title: str = ""
    section: str = ""
    start: int = 0
    end: int = 0


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: Literal["up", "down"] = Field(description="up: 👍, down: 👎")
    question: Annotated[str, Field(min_length=1, max_length=2000)]
    answer: Annotated[str, Field(max_length=20_000)] = ""
    citations: Annotated[list[CitationIn], Field(max_length=50)] = []
    comment: Annotated[str, Field(max_length=MAX_COMMENT)] = ""


@router.post("/feedback", status_code=201, summary="Rate an answer (👍/👎) with an optional comment")
def add_feedback(body: FeedbackIn, runtime: RuntimeDep) -> dict[str, object]:
    if runtime.feedback is None:
        raise HTTPException(503, texts.INDEX_NOT_READY)
    citations = tuple(FeedbackCitation(**c.model_dump()) for c in body.citations)
    row = runtime.feedback.add(Feedback(body.rating, body.question, body.answer, citations, body.comment))
    return asdict(row)
