"""Turning answers and hits into JSON-ready dicts and terminal text."""

from __future__ import annotations

from rag.types import Answer, Citation, DocMeta, Hit


def section_label(section: tuple[str, ...]) -> str:
    return " > ".join(section)


def hit_dict(hit: Hit, title: str, source: str) -> dict[str, object]:
    chunk = hit.chunk
    return {
        "rank": hit.rank, "score": round(hit.score, 4), "doc_id": chunk.doc_id, "title": title,
        "section": section_label(chunk.section), "label": chunk.label, "text": chunk.text,
        "start": chunk.start, "end": chunk.end, "source": source,
    }


def hit_row(hit: Hit, meta: DocMeta) -> dict[str, object]:
    """A search hit with its document's title, source and, for a statute, its version's standing."""
    return {**hit_dict(hit, meta.title, meta.source), **validity_dict(meta)}


def citation_dict(citation: Citation) -> dict[str, object]:
    hit = hit_dict(citation.hit, citation.meta.title, citation.meta.source)
    del hit["rank"]
    return {"n": citation.n, **hit, "place": citation.meta.place, "date": citation.meta.date,
            "quote": list(citation.quote), "answer_spans": answer_spans(citation),
            **validity_dict(citation.meta)}


def validity_dict(meta: DocMeta) -> dict[str, object]:
    """A statute version's standing today and its dates (empty for reports)."""
    statute = meta.kind == "statute"
    return {"status": meta.status, "publish": meta.date if statute else "", "effective": meta.effective}


def answer_spans(citation: Citation) -> list[dict[str, object]]:
    """The exact answer items: source-file offsets, and the text they cover."""
    text = citation.hit.chunk.text
    return [{"start": start, "end": end, "text": text[left:right] if left is not None else ""}
            for (start, end), (left, right) in zip(citation.spans, passage_items(citation), strict=True)]


def passage_items(citation: Citation) -> list[tuple[int | None, int]]:
    """The answer items as offsets into the passage text (None where a span falls outside it)."""
    chunk = citation.hit.chunk
    found: list[tuple[int | None, int]] = []
    for start, end in citation.spans:
        left, right = chunk.text_offset(start), chunk.text_offset(end - 1)
        found.append((left, right + 1) if left is not None and right is not None else (None, 0))
    return found


def answer_dict(answer: Answer) -> dict[str, object]:
    return {
        "question": answer.question, "answer": answer.text, "abstained": answer.abstained,
        "confidence": answer.confidence, "citations": [citation_dict(c) for c in answer.citations],
        "mode": answer.mode, "timings_ms": answer.timings_ms, "as_of": answer.as_of or None,
    }


def answer_text(answer: Answer) -> str:
    lines = [answer.text, "", "出处："]
    for c in answer.citations:
        marker = "*" if c.quote else " "
        lines.append(f"{marker}[{c.n}] {c.meta.title} · {section_label(c.hit.chunk.section) or '正文'}"
                     f"  (字符 {c.hit.chunk.start}-{c.hit.chunk.end}, 得分 {c.hit.score:.3f})")
        lines.append(f"     {c.hit.chunk.text[:160]}{'…' if len(c.hit.chunk.text) > 160 else ''}")
    return "\n".join(lines)


def hit_text(hit: Hit, title: str) -> str:
    head = f"{hit.rank:>2}. {hit.score:.3f}  {title} · {section_label(hit.chunk.section) or '正文'}"
    return f"{head}  [{hit.chunk.doc_id} {hit.chunk.start}-{hit.chunk.end}]\n    {hit.chunk.text[:200]}"
