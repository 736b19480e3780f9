"""The chat prompt for optional generation: numbered, fenced passages and the question.

Each passage is numbered as its citation is ([1]..[k]), headed by its title and
section (statutes: law, article and validity), and fenced between <资料> tags.
A document may contain text that reads like an instruction ("忽略以上要求……");
the fence, and the system prompt's rule about it, make the model treat it as
quoted text. Fence tags inside a document are defused so it cannot close its
own fence early.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag import texts
from rag.protocols import ChatMessage
from rag.types import Citation

_FENCE_TAG = re.compile(r"<\s*/?\s*资料")


def build_messages(question: str, citations: Sequence[Citation]) -> list[ChatMessage]:
    passages = "\n\n".join(passage_block(c) for c in citations)
    return [
        ChatMessage("system", texts.GENERATION_SYSTEM),
        ChatMessage("user", texts.GENERATION_USER.format(passages=passages, question=question.strip())),
    ]


def passage_block(citation: Citation) -> str:
    return "\n".join([*passage_head(citation), f'<资料 编号="{citation.n}">', defuse(citation.hit.chunk.text),
                      "</资料>"])


def passage_head(citation: Citation) -> list[str]:
    chunk, meta = citation.hit.chunk, citation.meta
    lines = [texts.PASSAGE_HEAD.format(n=citation.n, title=meta.title)]
    if meta.kind == "statute" and chunk.label:
        law = meta.short_title or meta.title
        article = chunk.label.removeprefix(law).strip() or chunk.label
        lines.append(texts.PASSAGE_ARTICLE.format(law=law, article=article))
        validity = texts.IN_FORCE if meta.in_force else texts.NOT_IN_FORCE
        if meta.effective:
            validity += texts.EFFECTIVE_SINCE.format(date=meta.effective)
        lines.append(texts.PASSAGE_VALIDITY.format(validity=validity))
    elif chunk.section:
        lines.append(texts.PASSAGE_SECTION.format(section=" > ".join(chunk.section)))
    return lines


def defuse(text: str) -> str:
    """The text with fence tags made harmless: "</资料>" becomes "＜/资料>"."""
    return _FENCE_TAG.sub(lambda m: "＜" + m.group(0)[1:], text)
