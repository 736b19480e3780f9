"""Document metadata kept beside the files (`catalog.json`), and place names.

A catalog maps file names to title, place, issuer, date and source. Files
without an entry get a title from their own first line or their file name.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from rag.errors import DocumentError
from rag.types import DocMeta

CATALOG_NAME = "catalog.json"
_PLACE_PART = re.compile(r"(.+?(?:自治区|特别行政区|省|自治州|市|区|县|镇|乡|街道))")
_SUFFIX = re.compile(r"(自治区|特别行政区|省|自治州|市|区|县|镇|乡|街道)$")


def load_catalog(directory: Path) -> dict[str, DocMeta]:
    path = directory / CATALOG_NAME
    if not path.exists():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["documents"]
        return {name: DocMeta(**fields) for name, fields in entries.items()}
    except (ValueError, KeyError, TypeError) as exc:
        raise DocumentError(f"{path}：不是有效的文档目录（{exc}），格式见 README 的 Adding documents 一节") from exc


def place_names(place: str) -> list[str]:
    """"广东省江门市鹤山市" -> ["广东", "江门", "鹤山"], outermost first, suffixes dropped."""
    parts = _PLACE_PART.findall(place) or ([place] if place else [])
    names = [_SUFFIX.sub("", part) or part for part in parts]
    return [name for name in names if len(name) >= 2]
