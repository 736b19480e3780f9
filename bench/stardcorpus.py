"""STARD articles as the product indexes statutes, so shared articles reuse the shipped vectors.

Every STARD article becomes a passage in the product's own format
(`rag.ingest.indexing.passage_text`: law title, label, section path, then
"第X条 text"). Where the article is also in the product's national laws (same
law, same number, same text once whitespace is ignored), the product's own chunk
is used, so its vector comes from laws/vectors and is not embedded again; only
the regulations, interpretations and rules beyond the national laws are embedded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from rag.ingest.indexing import passage_text
from rag.ingest.statutes import short_title
from rag.ingest.store import read_chunks, read_documents
from rag.text.numerals import ARTICLE_REF
from rag.types import Chunk, DocMeta

_ARTICLE_NAME = re.compile(rf"^(.*?)({ARTICLE_REF})$")
_SPACE = re.compile(r"\s+")


def law_and_article(name: str) -> tuple[str, str]:
    """"中华人民共和国民法典第五十四条" -> ("中华人民共和国民法典", "第五十四条")."""
    match = _ARTICLE_NAME.match(name)
    return (match.group(1), match.group(2)) if match else (name, "")


def name_key(name: str) -> str:
    """A name compared across sources: no 中华人民共和国 prefix, no spaces."""
    law, article = law_and_article(_SPACE.sub("", name))
    return short_title(law) + article


def _bare(text: str, article: str) -> str:
    body = text.strip()
    if article and body.startswith(article):
        body = body[len(article):]
    return _SPACE.sub("", body)


def product_chunks(index_dir: Path) -> tuple[dict[str, list[tuple[Chunk, DocMeta]]], int]:
    """The laws collection's chunks by name key (several versions may share one)."""
    documents = {d.doc_id: d.meta for d in read_documents(index_dir)}
    by_key: dict[str, list[tuple[Chunk, DocMeta]]] = {}
    chunks = read_chunks(index_dir)
    for chunk in chunks:
        by_key.setdefault(name_key(chunk.label), []).append((chunk, documents[chunk.doc_id]))
    return by_key, len(chunks)


def stard_passages(articles: Sequence[dict[str, object]], index_dir: Path | None) -> tuple[list[str], int]:
    """One passage text per article, and how many came from the product's laws collection."""
    by_key = product_chunks(index_dir)[0] if index_dir is not None and index_dir.exists() else {}
    texts: list[str] = []
    reused = 0
    for article in articles:
        name, content = str(article["name"]), str(article["content"])
        law, number = law_and_article(name)
        same = [(c, m) for c, m in by_key.get(name_key(name), []) if _bare(c.text, number) == _bare(content, "")]
        same.sort(key=lambda pair: not pair[1].in_force)
        if same:
            texts.append(passage_text(*same[0]))
            reused += 1
            continue
        text = f"{number} {content.strip()}".strip()
        chunk = Chunk(str(article["id"]), law, text, (), 0, len(text), 0, len(text), f"{short_title(law)} {number}")
        texts.append(passage_text(chunk, DocMeta(title=law, kind="statute", short_title=short_title(law))))
    return texts, reused
