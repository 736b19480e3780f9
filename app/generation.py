"""Optional generation wired to settings: which generator, when it runs, and its report as JSON.

Generation runs when a request asks for it (`generate: true`, `--generate`, the
chat switch) or, when the request does not say, when LAWQA_GENERATE is on.
Asked for without an endpoint configured, the extractive answer is returned
with a report that says why. Not asked for, nothing here runs: an answer costs
exactly what it did without generation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from app.config import Settings
from app.engine import Engine
from app.present import answer_dict
from rag import texts
from rag.answer.generate import GenerationReport, StreamEvent, generate, generate_stream
from rag.answer.verify import Coverage
from rag.errors import InputError
from rag.protocols import Generator
from rag.types import Answer


@dataclass(frozen=True)
class Generation:
    generator: Generator | None = None
    default_on: bool = False

    def wanted(self, requested: bool | None) -> bool:
        return self.default_on if requested is None else requested

    def apply(self, engine: Engine, answer: Answer, requested: bool | None
              ) -> tuple[Answer, GenerationReport | None]:
        """The answer to show and the generation report (None when generation was not asked for)."""
        if not self.wanted(requested):
            return answer, None
        if self.generator is None:
            return answer, GenerationReport("", fallback=True, note=texts.GENERATION_UNAVAILABLE)
        return generate(answer, self.generator, coverage_for(engine, answer))

    def stream(self, engine: Engine, answer: Answer, requested: bool | None) -> Iterator[StreamEvent]:
        if not self.wanted(requested) or self.generator is None:
            final, report = self.apply(engine, answer, requested)
            yield StreamEvent("sentence", text=final.text)
            yield StreamEvent("done", answer=final, report=report)
            return
        yield from generate_stream(answer, self.generator, coverage_for(engine, answer))


def coverage_for(engine: Engine, answer: Answer) -> Coverage:
    """Coverage by the evidence scorer of the collection the best passage came from (its IDF weights)."""
    name = answer.citations[0].hit.chunk.collection if answer.citations else ""
    loaded = engine.collections.get(name) or next(iter(engine.collections.values()))
    return loaded.scorer.coverage


def load_generation(settings: Settings) -> Generation:
    """The generator the settings describe, or none when no endpoint is configured (creating it is cheap)."""
    if not settings.llm_base_url:
        return Generation(None, settings.generate)
    from app.llm import OpenAIChatGenerator

    try:
        generator = OpenAIChatGenerator(settings.llm_base_url, settings.llm_model, api_key=settings.llm_api_key,
                                        timeout=settings.llm_timeout, temperature=settings.llm_temperature)
    except ValueError as exc:
        raise InputError(f"环境变量设置有误：{exc}") from exc
    return Generation(generator, settings.generate)


def report_dict(report: GenerationReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    removed = [{"sentence": r.sentence, "reason": r.reason} for r in report.removed]
    return {"model": report.model, "removed": removed, "fallback": report.fallback, "note": report.note}


def response_dict(answer: Answer, report: GenerationReport | None) -> dict[str, Any]:
    """The body of POST /api/answer, also printed by `lawqa ask --json`."""
    return {**answer_dict(answer), "generation": report_dict(report)}


def get_generation(request: Request) -> Generation:
    generation = getattr(request.app.state, "generation", None)
    return generation if isinstance(generation, Generation) else Generation()


GenerationDep = Annotated[Generation, Depends(get_generation)]
