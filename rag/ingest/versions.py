"""Which version of a law is in force: one law, one current version.

LawRefBook keeps every version of a law as its own file, and its catalog marks
some of them expired. Of the versions of one law (same title), the newest that
is not expired is 现行有效; every older version is 已修改 (a newer text replaced
it); a law whose every version is expired is 已废止. Older versions stay indexed,
for questions about the past, but are never presented as current law.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from rag.types import Document

IN_FORCE = "现行有效"
AMENDED = "已修改"
REPEALED = "已废止"


def mark_versions(documents: Sequence[Document]) -> list[Document]:
    """The documents with each statute's `meta.status` (and `in_force`) set from its law's versions."""
    versions: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        if doc.meta.kind == "statute":
            versions[doc.meta.title].append(doc)
    status: dict[str, str] = {}
    for docs in versions.values():
        newest_first = sorted(docs, key=lambda d: (d.meta.date, d.meta.effective), reverse=True)
        current = next((d for d in newest_first if d.meta.in_force), None)
        for doc in docs:
            if doc is current:
                status[doc.doc_id] = IN_FORCE
            elif current is not None or doc is not newest_first[0]:
                status[doc.doc_id] = AMENDED
            else:
                status[doc.doc_id] = REPEALED
    return [replace(d, meta=replace(d.meta, status=status[d.doc_id], in_force=status[d.doc_id] == IN_FORCE))
            if d.doc_id in status else d for d in documents]
