"""Optional generation: a model rewrites the extractive answer's passages into prose, then every sentence is verified.

Generation starts from an extractive `Answer` (its citations are the passages
the model sees) and never runs when that answer abstained: weak retrieval is
not rescued by a fluent model. The generated text keeps only the sentences the
verifier accepts; when none survives, or the endpoint fails, the extractive
answer stands and the report says why (`fallback`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from rag import texts
from rag.answer import verify as verifier
from rag.answer.evidence import scope_text
from rag.answer.prompt import build_messages
from rag.answer.verify import COVERAGE_THRESHOLD, Claim, Coverage, Removed, Verification, claims, verify
from rag.errors import GenerationError
from rag.protocols import Generator
from rag.text.sentences import split_sentences
from rag.types import Answer, Citation

_STOP = re.compile(r"[。！？!?\n]+")
_TAIL = re.compile(r"[”’」』)）]*(?:\s*[\[【［]\s*\d+(?:\s*[,，、]\s*\d+)*\s*[\]】］])*")


@dataclass(frozen=True)
class GenerationReport:
    model: str
    removed: tuple[Removed, ...] = ()
    fallback: bool = False
    note: str = ""


@dataclass(frozen=True)
class StreamEvent:
    """`sentence`: a verified sentence to show; `removed`: one dropped; `done`: the final answer and report."""

    kind: Literal["sentence", "removed", "done"]
    text: str = ""
    removed: Removed | None = None
    answer: Answer | None = None
    report: GenerationReport | None = None


def passages_of(answer: Answer) -> list[str]:
    """What each citation offers as evidence: its heading (title, section, label) and its text."""
    return [f"{scope_text(c.hit, c.meta)}\n{c.hit.chunk.text}" for c in answer.citations]


def generate(answer: Answer, generator: Generator, coverage: Coverage,
             threshold: float = COVERAGE_THRESHOLD) -> tuple[Answer, GenerationReport]:
    if answer.abstained:
        return answer, GenerationReport(generator.model, fallback=True, note=texts.GENERATION_SKIPPED)
    try:
        reply = generator.complete(build_messages(answer.question, answer.citations))
    except GenerationError as exc:
        return answer, GenerationReport(generator.model, fallback=True, note=texts.GENERATION_FAILED.format(error=exc))
    return settle(answer, verify(reply, passages_of(answer), coverage, threshold), generator.model, coverage)


def settle(answer: Answer, verification: Verification, model: str,
           coverage: Coverage) -> tuple[Answer, GenerationReport]:
    """The generated answer when any sentence survived, else the extractive one."""
    if not verification.kept:
        return answer, GenerationReport(model, verification.removed, True, texts.GENERATION_NOTHING_LEFT)
    citations = quoted(answer.citations, verification.kept, coverage)
    generated = replace(answer, text=verification.text, citations=citations)
    return generated, GenerationReport(model, verification.removed)


def quoted(citations: Sequence[Citation], kept: Sequence[Claim], coverage: Coverage) -> tuple[Citation, ...]:
    """Citations whose quote is, for each sentence citing them, their sentence that supports it best."""
    quotes: dict[int, list[str]] = {}
    for claim in kept:
        for n in claim.cited:
            sentences = split_sentences(citations[n - 1].hit.chunk.text)
            best = max(sentences, key=lambda s: coverage(claim.body, s), default="")
            if best and best not in quotes.setdefault(n, []):
                quotes[n].append(best)
    return tuple(replace(c, quote=tuple(quotes.get(c.n, ()))) for c in citations)


def generate_stream(answer: Answer, generator: Generator, coverage: Coverage,
                    threshold: float = COVERAGE_THRESHOLD) -> Iterator[StreamEvent]:
    """Verified sentences as the model writes them; a failure part-way ends in the extractive answer."""
    if answer.abstained:
        report = GenerationReport(generator.model, fallback=True, note=texts.GENERATION_SKIPPED)
        yield StreamEvent("done", answer=answer, report=report)
        return
    evidence = [verifier.evidence_text(p) for p in passages_of(answer)]
    kept: list[Claim] = []
    removed: list[Removed] = []
    buffer = ""
    try:
        for piece in generator.stream(build_messages(answer.question, answer.citations)):
            buffer += piece
            cut = closed_prefix(buffer)
            for claim in claims(buffer[:cut]):
                yield _judge(claim, evidence, coverage, threshold, kept, removed)
            buffer = buffer[cut:]
    except GenerationError as exc:
        note = texts.GENERATION_FAILED.format(error=exc)
        yield StreamEvent("done", answer=answer, report=GenerationReport(generator.model, tuple(removed), True, note))
        return
    for claim in claims(buffer):
        yield _judge(claim, evidence, coverage, threshold, kept, removed)
    verification = Verification("".join(c.sentence for c in kept), tuple(kept), tuple(removed))
    final, report = settle(answer, verification, generator.model, coverage)
    yield StreamEvent("done", answer=final, report=report)


def _judge(claim: Claim, evidence: list[str], coverage: Coverage, threshold: float,
           kept: list[Claim], removed: list[Removed]) -> StreamEvent:
    reason = verifier.check(claim, evidence, coverage, threshold)
    if reason is None:
        kept.append(claim)
        return StreamEvent("sentence", text=claim.sentence)
    removed.append(Removed(claim.sentence, reason))
    return StreamEvent("removed", removed=removed[-1])


def closed_prefix(buffer: str) -> int:
    """Length of the leading complete sentences: ended, their markers in, and followed by more text."""
    end = 0
    for stop in _STOP.finditer(buffer):
        tail = _TAIL.match(buffer, stop.end())
        after = tail.end() if tail else stop.end()
        rest = buffer[after:].lstrip()
        if rest and rest[0] not in "[【［":  # a marker may still be arriving
            end = after
    return end
