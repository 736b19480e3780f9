"""Extracted documents as blocks (headings and paragraphs), written out as plain text.

Every format ends as text that the report cleaner already understands: one
block per line, blocks set apart by blank lines, a heading as a short line of
its own (no Markdown `#`). Cleaning then classifies a heading line as 第X章 /
一、 / （一） by its numbering, or as a headline because it is short, unterminated
and stands apart, so section chunking and offsets work as for plain text.
Offsets of chunks are offsets into this text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["heading", "text"]
_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SENTENCE_END = "。！？!?；;…"


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str
    level: int = 0  # headings: 1 for the outermost


def blocks_text(blocks: Iterable[Block]) -> str:
    """One block per line, blank lines between them; empty blocks dropped."""
    lines = [" ".join(b.text.split()) if b.kind == "heading" else b.text.strip() for b in blocks]
    return "\n\n".join(line for line in lines if line)


def markdown_blocks(text: str) -> list[Block]:
    """Markdown headings (`#` to `######`) as heading blocks, without their `#`; paragraphs as text."""
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block("text", "\n".join(paragraph)))
            paragraph.clear()

    for line in text.splitlines():
        heading = _MD_HEADING.match(line)
        if heading:
            flush()
            blocks.append(Block("heading", heading.group(2).strip(), len(heading.group(1))))
        elif line.strip():
            paragraph.append(line.rstrip())
        else:
            flush()
    flush()
    return blocks


def heading_level(style: str) -> int:
    """Word's built-in heading styles ("Heading 2", "标题 2", "Title") -> 1.., else 0."""
    name = style.strip().lower()
    if name in ("title", "标题"):
        return 1
    match = re.fullmatch(r"(?:heading|标题)\s*(\d)", name)
    return int(match.group(1)) if match else 0


def paragraph_block(text: str, style: str) -> Block:
    level = heading_level(style)
    # A "heading" of a whole sentence is a styled paragraph, not a heading.
    if level and text.strip() and len(text.strip()) <= 60 and text.strip()[-1] not in _SENTENCE_END:
        return Block("heading", text, level)
    return Block("text", text)
