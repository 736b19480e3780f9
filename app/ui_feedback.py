"""👍/👎 on each chat answer, with an optional comment, stored with the question and its citations."""

from __future__ import annotations

import re
from typing import Any

import gradio as gr

from app import ui_admin_texts as t
from app.deps import Runtime
from app.feedback import Feedback, FeedbackCitation
from app.present import section_label
from rag.errors import LawqaError

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_TAGS = re.compile(r"</?strong>")


def plain(markdown: str) -> str:
    """The text a person read: the chat's Markdown escapes and emphasis tags removed."""
    return _ESCAPED.sub(r"\1", _TAGS.sub("", markdown))


def _content(message: Any) -> str:
    content = message.get("content", "") if isinstance(message, dict) else message
    if isinstance(content, list):  # Gradio 6 may hand back [{"type": "text", "text": ...}]
        content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")


def rate(runtime: Runtime, history: list[Any], index: int, liked: bool | str, comment: str) -> str:
    """Store one rating; the citations are those the engine gives this question now (it is deterministic)."""
    if runtime.feedback is None or not 0 < index < len(history):
        return t.FEEDBACK_NOTHING
    question = plain(_content(history[index - 1]))
    answer = plain(_content(history[index]))
    citations: tuple[FeedbackCitation, ...] = ()
    engine = runtime.engine
    try:
        if engine is not None:
            result = engine.answer(question)
            citations = tuple(FeedbackCitation(c.n, c.hit.chunk.doc_id, c.meta.title,
                                               section_label(c.hit.chunk.section), c.hit.chunk.start,
                                               c.hit.chunk.end) for c in result.citations)
        rating = "up" if liked is True or liked == "Like" else "down"
        runtime.feedback.add(Feedback(rating, question, answer, citations, comment or ""))
    except LawqaError as exc:
        return t.REFUSED.format(message=exc)
    return t.FEEDBACK_SAVED


def feedback_controls(runtime: Runtime, chatbot: gr.Chatbot) -> None:
    chatbot.feedback_options = ("Like", "Dislike")  # thumbs under each answer
    comment = gr.Textbox(label=t.FEEDBACK_COMMENT, lines=1, elem_id="lq-feedback-comment")
    notice = gr.Markdown(elem_id="lq-feedback-notice")

    def on_like(history: list[Any], comment_text: str, data: gr.LikeData) -> tuple[str, str]:
        index = data.index if isinstance(data.index, int) else data.index[0]
        return rate(runtime, history, index, data.liked, comment_text), ""

    chatbot.like(on_like, [chatbot, comment], [notice, comment], api_visibility="private", queue=False)
