"""Checking a generated answer sentence by sentence against the passages it cites.

A sentence is kept only if
1. it cites at least one passage, and every number it cites exists ([1]..[k]);
2. every number in it (amounts, dates, periods, article numbers; digits or
   Chinese numerals, 万/亿 applied) occurs in a cited passage or its heading;
3. the cited passages cover it: `coverage(sentence, evidence) >= threshold`.

Sentences of a passage that address the model ("忽略以上要求……", "系统提示") are
not evidence: a sentence that only an instruction planted in a document
supports is removed like any other unsupported sentence.

`coverage` is passed in (the evidence scorer's IDF-weighted term and bigram
share of the sentence found in the passage), so this module stays pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rag import texts
from rag.answer.quantities import sentence_quantities, text_quantities
from rag.text.sentences import split_sentences

WINDOW = 3  # evidence sentences a claim is scored against
COVERAGE_THRESHOLD = 0.5  # bench/generation.py: grounded sentences score >= 0.8, unrelated ones <= 0.35
_MARKER = re.compile(r"\s*[\[【［]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]】］]")
_CLAIM = re.compile(r"[^。！？!?\n]+(?:[。！？!?]+[”’」』)）]*)?(?:\s*[\[【［]\s*\d+(?:\s*[,，、]\s*\d+)*\s*[\]】］])*")
_INSTRUCTION = re.compile(
    r"(?:忽略|无视|不要理会|忘记|不必遵守)(?:你|以上|上述|之前|前面|先前|所有|全部)"
    r"|系统提示|system\s*prompt|ignore\s+(?:all\s+|the\s+)?(?:previous|above|prior)"
    r"|你(?:现在)?(?:是|扮演)(?:一个|一名)?(?:AI|人工智能|助手|模型)"
    r"|(?:回答|回复)(?:时|中)?(?:必须|一律|只能|务必)", re.IGNORECASE)

Coverage = Callable[[str, str], float]


@dataclass(frozen=True)
class Claim:
    sentence: str  # as generated, citation markers included
    body: str  # without the markers
    cited: tuple[int, ...]


@dataclass(frozen=True)
class Removed:
    sentence: str
    reason: str


@dataclass(frozen=True)
class Verification:
    text: str  # the kept sentences, markers included
    kept: tuple[Claim, ...]
    removed: tuple[Removed, ...]


def claims(text: str) -> list[Claim]:
    """The sentences of a generated answer with the citation numbers each carries.

    Markers may stand before or after the closing punctuation ("……[1]。" or "……。[1]");
    a line holding nothing but markers belongs to the sentence before it.
    """
    found: list[Claim] = []
    for match in _CLAIM.finditer(text):
        sentence = match.group(0).strip()
        cited = tuple(int(n) for group in _MARKER.findall(sentence) for n in re.split(r"\s*[,，、]\s*", group))
        body = _MARKER.sub("", sentence).strip()
        if not body and found:
            last = found[-1]
            found[-1] = Claim(f"{last.sentence}{sentence}", last.body, tuple(dict.fromkeys(last.cited + cited)))
        elif body:
            found.append(Claim(sentence, body, tuple(dict.fromkeys(cited))))
    return found


def evidence_text(passage: str) -> str:
    """The passage without its sentences that address the model."""
    return " ".join(s for s in split_sentences(passage) if not _INSTRUCTION.search(s))


def window(sentence: str, evidence: str, size: int = WINDOW) -> str:
    """The `size` sentences of the evidence sharing most character bigrams with the sentence, in order.

    A claim is supported by particular sentences, not by words scattered over
    a whole article; and scoring a few sentences instead of every cited
    passage keeps verification within milliseconds.
    """
    wanted = _bigrams(sentence)
    parts = split_sentences(evidence.replace(" ", "\n"))
    ranked = sorted(range(len(parts)), key=lambda i: -len(wanted & _bigrams(parts[i])))[:size]
    return " ".join(parts[i] for i in sorted(ranked))


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def check(claim: Claim, evidence: Sequence[str], coverage: Coverage, threshold: float) -> str | None:
    """Why the claim is unsupported, or None when it stands; `evidence[i]` is passage i+1's evidence text."""
    if not claim.cited:
        return texts.REMOVED_NO_CITATION
    missing = [n for n in claim.cited if not 1 <= n <= len(evidence)]
    if missing:
        numbers = "".join(f"[{n}]" for n in missing)
        return texts.REMOVED_BAD_CITATION.format(numbers=numbers, count=len(evidence))
    cited = " ".join(evidence[n - 1] for n in claim.cited)
    known = text_quantities(cited)
    for surface, value in sentence_quantities(claim.body):
        if value not in known:
            return texts.REMOVED_NUMBER.format(value=surface)
    score = coverage(claim.body, window(claim.body, cited))
    if score < threshold:
        return texts.REMOVED_UNSUPPORTED.format(coverage=score, threshold=threshold)
    return None


def verify(text: str, passages: Sequence[str], coverage: Coverage,
           threshold: float = COVERAGE_THRESHOLD) -> Verification:
    """`passages[i]` is the text of citation i+1 with its heading (title, section, label)."""
    evidence = [evidence_text(p) for p in passages]
    kept: list[Claim] = []
    removed: list[Removed] = []
    for claim in claims(text):
        reason = check(claim, evidence, coverage, threshold)
        if reason is None:
            kept.append(claim)
        else:
            removed.append(Removed(claim.sentence, reason))
    return Verification("".join(c.sentence for c in kept), tuple(kept), tuple(removed))
