"""Text that remembers, for every character, where it came from in the source file.

Cleaning deletes pinyin, furniture and mojibake, converts traditional characters
and re-joins broken lines; each step returns a new `MappedText` whose `origin[i]`
is the offset in the original file of character i. Citations translate clean
offsets back through `source_span` so they can be checked against the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class MappedText:
    text: str
    origin: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.text) != len(self.origin):
            raise ValueError("MappedText needs one origin per character")

    @classmethod
    def identity(cls, text: str) -> MappedText:
        return cls(text, tuple(range(len(text))))

    def __len__(self) -> int:
        return len(self.text)

    def slice(self, start: int, end: int) -> MappedText:
        return MappedText(self.text[start:end], self.origin[start:end])

    def delete(self, spans: Iterable[tuple[int, int]]) -> MappedText:
        """Remove the given [start, end) spans (they may overlap or be unsorted)."""
        drop = bytearray(len(self.text))
        for start, end in spans:
            drop[start:end] = b"\x01" * (end - start)
        keep = [i for i in range(len(self.text)) if not drop[i]]
        return MappedText("".join(self.text[i] for i in keep), tuple(self.origin[i] for i in keep))

    def delete_matches(self, pattern: re.Pattern[str], group: int = 0) -> MappedText:
        return self.delete(m.span(group) for m in pattern.finditer(self.text))

    def convert(self, fn: Callable[[str], str]) -> MappedText:
        """Apply a character-for-character conversion such as OpenCC t2s.

        Phrase-level converters occasionally change length; then each character
        is converted on its own so the offsets stay exact.
        """
        converted = fn(self.text)
        if len(converted) != len(self.text):
            singles = [fn(ch) for ch in self.text]
            converted = "".join(c if len(c) == 1 else ch for c, ch in zip(singles, self.text, strict=True))
        return MappedText(converted, self.origin)

    def origin_runs(self, start: int, end: int) -> tuple[tuple[int, int], ...]:
        """The map of text[start:end] back to the source, kept only where it jumps.

        (offset within the slice, source offset) wherever a character does not follow
        its predecessor in the source: a few dozen pairs for a passage, not one per character.
        """
        runs = []
        for i in range(start, end):
            if i == start or self.origin[i] != self.origin[i - 1] + 1:
                runs.append((i - start, self.origin[i]))
        return tuple(runs)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original file covering clean characters [start, end)."""
        if start >= end:
            raise ValueError(f"empty span {start}:{end}")
        return self.origin[start], self.origin[end - 1] + 1


def join(pieces: Iterable[MappedText], separator: str = "\n") -> MappedText:
    """Concatenate pieces; a separator takes the position just after the previous piece."""
    text: list[str] = []
    origin: list[int] = []
    for piece in pieces:
        if text and separator:
            text.append(separator)
            origin.extend([origin[-1] + 1] * len(separator))
        text.append(piece.text)
        origin.extend(piece.origin)
    return MappedText("".join(text), tuple(origin))
