"""The chat's generation switch: answers streamed sentence by sentence as verification passes them.

Switched off (the default), the chat's own handler runs unchanged. Switched
on, the question is searched and answered extractively first (errors and
abstention as usual), then the generated sentences appear as they pass
verification; the last update is the final answer, which is the extractive
one with a note when the endpoint failed or nothing survived.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from app.deps import Runtime
from app.generation import Generation
from app.ui import Message, make_ask, plain, render_reply, render_sources, understood
from rag import texts
from rag.answer.generate import GenerationReport
from rag.errors import LawqaError
from rag.types import SEARCH_MODES


def make_ask_stream(runtime: Runtime, generation: Generation) -> Callable[..., Iterator[tuple[Any, ...]]]:
    """The chat handler with the switch as its last input; yields the chat's four outputs as they change."""
    ask = make_ask(runtime)

    def ask_stream(question: str, history: list[Message], previous: str, top_k: float, mode: str,
                   collections: list[str] | None = None, generate: bool = False, as_of: str = ""
                   ) -> Iterator[tuple[Any, ...]]:
        if not generate or not question or not question.strip():
            yield ask(question, history, previous, top_k, mode, collections, as_of)
            return
        turn: list[Message] = [{"role": "user", "content": plain(question.strip())}]
        try:
            engine = runtime.require()
            searched = understood(question, previous or None, engine.law_names, runtime.places)
            chosen = next((m for m in SEARCH_MODES if m == mode), None)
            answer = engine.answer(searched, top_k=int(top_k), mode=chosen, collections=collections or None,
                                   as_of=as_of or None)
        except LawqaError as exc:
            yield [*history, *turn, {"role": "assistant", "content": plain(str(exc))}], "", gr.skip(), previous
            return
        shown = ""
        for event in generation.stream(engine, answer, True):
            if event.kind == "sentence":
                shown += event.text
                partial = f"{plain(shown)}\n\n{plain(texts.GENERATING)}"
                yield [*history, *turn, {"role": "assistant", "content": partial}], "", render_sources(answer), previous
            elif event.kind == "done" and event.answer is not None:
                reply = render_reply(event.answer, question, searched) + _note(event.report)
                yield ([*history, *turn, {"role": "assistant", "content": reply}], "", render_sources(event.answer),
                       searched)

    return ask_stream


def _note(report: GenerationReport | None) -> str:
    if report is None:
        return ""
    notes = [report.note] if report.note else []
    if report.removed and not report.fallback:
        notes.append(texts.REMOVED_COUNT.format(count=len(report.removed)))
    return "".join(f"\n\n{plain(note)}" for note in notes)
