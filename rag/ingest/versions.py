"""Which version of a law is in force: one law, one current version, and the span each version held.

LawRefBook keeps every version of a law as its own file, and its catalog marks
some of them expired. A version is the set of files of one law (same title) with
the same publish date: a code split into books (民法典's 总则, 物权编 ...) or a law
filed under two folders is one version, not several. Of the versions of one law,
the newest that is not expired is 现行有效; every older version is 已修改 (a newer
text replaced it); a law whose every version is expired is 已废止. Older versions
stay indexed, for questions about the past, but are never presented as current law.

A version held from the day it took effect (`effective`, else its publish date)
until the next version took effect. The catalog has no repeal dates, so the last
version of a repealed law has no end.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from rag.types import DocMeta, Document

IN_FORCE = "现行有效"
AMENDED = "已修改"
REPEALED = "已废止"
_ISO = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
Files = list[tuple[str, DocMeta]]  # the files of one version: (doc_id, meta)


@dataclass(frozen=True)
class Version:
    """One version of a law: its files, and [start, end) in ISO dates ("" = unknown start, no end)."""

    law: str
    doc_ids: tuple[str, ...]
    start: str
    end: str = ""

    def holds_on(self, day: str) -> bool:
        return self.start <= day and (not self.end or day < self.end)


def group_versions(metas: Iterable[tuple[str, DocMeta]]) -> list[list[Files]]:
    """Each law's versions, oldest first; a version is [(doc_id, meta)] of one title and publish date."""
    laws: dict[str, dict[str, Files]] = {}
    for doc_id, meta in metas:
        if meta.kind == "statute":
            laws.setdefault(meta.title, {}).setdefault(meta.date, []).append((doc_id, meta))
    return [sorted(by_date.values(), key=_order) for by_date in laws.values()]


def mark_versions(documents: Sequence[Document]) -> list[Document]:
    """The documents with each statute's `meta.status` (and `in_force`) set from its law's versions.

    A file that does not say when it took effect takes the day its version did (婚姻家庭编 that of 民法典).
    """
    marked: dict[str, DocMeta] = {}
    for versions in group_versions((d.doc_id, d.meta) for d in documents):
        current = next((v for v in reversed(versions) if any(meta.in_force for _, meta in v)), None)
        for version in versions:
            mark = IN_FORCE if version is current else AMENDED if current or version is not versions[-1] else REPEALED
            effective = next((meta.effective for _, meta in version if iso_day(meta.effective)), "")
            marked.update((doc_id, replace(meta, status=mark, in_force=mark == IN_FORCE,
                                           effective=meta.effective or effective)) for doc_id, meta in version)
    return [replace(d, meta=marked[d.doc_id]) if d.doc_id in marked else d for d in documents]


def law_versions(metas: Mapping[str, DocMeta]) -> list[Version]:
    """Every version of every statute, with the span of days it was the law."""
    spans: list[Version] = []
    for versions in group_versions(metas.items()):
        starts = [start_of(v) for v in versions]
        for i, version in enumerate(versions):
            end = next((s for s in starts[i + 1:] if s), "")
            spans.append(Version(version[0][1].title, tuple(doc_id for doc_id, _ in version), starts[i], end))
    return spans


def start_of(version: Files) -> str:
    """The day a version took effect: the earliest effective date of its files, else its publish date."""
    effective = sorted(day for _, meta in version if (day := iso_day(meta.effective)))
    return effective[0] if effective else iso_day(version[0][1].date)


def iso_day(value: str) -> str:
    """"2013-07-01" as is, "2013" -> "2013-01-01", "2013-07" -> "2013-07-01"; anything else -> ""."""
    value = value.strip()
    if not _ISO.match(value):
        return ""
    return value + "-01" * (2 - value.count("-"))


def _order(version: Files) -> tuple[str, str]:
    """Oldest first: by publish date, then by the day it took effect."""
    return iso_day(version[0][1].date), start_of(version)


@dataclass(frozen=True)
class LawCalendar:
    """Every version of every statute: what a question about the law on a past day may search."""

    laws: Mapping[str, tuple[Version, ...]] = field(default_factory=dict)  # law title -> versions, oldest first
    names: Mapping[str, frozenset[str]] = field(default_factory=dict)  # law title -> how questions name it

    @classmethod
    def of(cls, metas: Mapping[str, DocMeta]) -> LawCalendar:
        laws: dict[str, list[Version]] = defaultdict(list)
        for version in law_versions(metas):
            laws[version.law].append(version)
        names = {law: frozenset({law} | {metas[v.doc_ids[0]].short_title for v in vs} - {""})
                 for law, vs in laws.items()}
        return cls({law: tuple(vs) for law, vs in laws.items()}, names)

    def allowed(self, doc_ids: Iterable[str], day: str) -> set[str]:
        """Of `doc_ids`, those not a law version (reports) and the versions in force on `day`."""
        held = {doc_id: v.holds_on(day) for vs in self.laws.values() for v in vs for doc_id in v.doc_ids}
        return {doc_id for doc_id in doc_ids if held.get(doc_id, True)}

    def missing(self, question: str, day: str) -> Version | None:
        """A law the question names that had no version in force on `day`: its first version, else None."""
        for law, names in self.names.items():
            versions = self.laws[law]
            if any(name in question for name in names) and not any(v.holds_on(day) for v in versions):
                return min(versions, key=lambda v: v.start)
        return None
