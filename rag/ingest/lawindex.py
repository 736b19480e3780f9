"""The LawRefBook catalog (law_index.*.jsonl): level, dates and validity of each statute file.

The catalog rows do not name their files exactly. Upstream writes `folder/(filename or name).md`,
or `folder/name(publish).md` when several versions exist, but a few laws sit in two folders and
some rows' folders disagree with the disk. So files are matched to rows by what the file name
says (name, and the version date if any), preferring a row of the same folder.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rag.errors import DocumentError

__all__ = ["INDEX_FILES", "LawIndexEntry", "level_for", "load_law_index", "split_version"]

INDEX_FILES = ("law_index.national.jsonl", "law_index.local_dlc.jsonl")
_VERSION = re.compile(r"^(.*)\((\d{4}-\d{2}-\d{2})\)$")
# The catalog's levels are kept, except that the DLC bundles are all local regulations. Without a
# catalog row, LawRefBook's top folder says it: the subject folders all hold 法律.
_LAW_FOLDERS = ("刑法", "民法典", "民法商法", "社会法", "经济法", "行政法", "宪法相关法",
                "诉讼与非诉讼程序法")
_FOLDER_LEVELS = {"行政法规": "行政法规", "司法解释": "司法解释", "部门规章": "部门规章", "宪法": "宪法",
                  **dict.fromkeys(_LAW_FOLDERS, "法律")}


@dataclass(frozen=True)
class LawIndexEntry:
    """One catalog row: what the file itself does not say reliably."""

    name: str
    level: str
    folder: str
    publish: str = ""
    valid_from: str = ""
    expired: bool = False
    place: str = ""  # the province of a DLC (local) regulation; "" for national law


def split_version(stem: str) -> tuple[str, str]:
    """'专利法实施细则(2023-12-11)' -> ('专利法实施细则', '2023-12-11'); no date -> (stem, '')."""
    match = _VERSION.match(stem)
    return (match.group(1), match.group(2)) if match else (stem, "")


def level_for(rel_path: str, catalog_level: str = "") -> str:
    """The DocMeta level of a file: DLC -> 地方性法规, else the catalog's or the folder's."""
    top = rel_path.split("/", 1)[0] if "/" in rel_path else ""
    if top == "DLC":
        return "地方性法规"
    return catalog_level or _FOLDER_LEVELS.get(top, "")


def _entry(row: dict[str, object]) -> tuple[str, LawIndexEntry]:
    folder = str(row["folder"])
    key = str(row.get("filename") or row["name"])
    entry = LawIndexEntry(
        name=str(row["name"]),
        level=level_for(folder, str(row.get("level") or "")),
        folder=folder,
        publish=str(row.get("publish") or ""),
        valid_from=str(row.get("valid_from") or ""),
        expired=bool(row.get("expired")),
        place=str(row.get("category") or "") if "dlc" in row else "",
    )
    return key, entry


def _read_rows(path: Path) -> Iterable[dict[str, object]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentError(f"无法读取法律目录 {path} （{exc}），请从 LawRefBook 原件恢复该文件") from exc


def _match(rel: str, candidates: list[LawIndexEntry]) -> LawIndexEntry | None:
    folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
    _, version = split_version(Path(rel).stem)
    dated = [e for e in candidates if e.publish == version] or ([] if version else candidates)
    same_folder = [e for e in dated if e.folder == folder]
    best = same_folder or dated
    return best[0] if best else None


def load_law_index(root: Path) -> dict[str, LawIndexEntry]:
    """Catalog entries keyed by each Markdown file's posix path relative to `root`.

    Files the catalog does not list are simply absent; missing index files give an empty map.
    """
    by_name: dict[str, list[LawIndexEntry]] = defaultdict(list)
    for name in INDEX_FILES:
        if (root / name).is_file():
            for key, entry in map(_entry, _read_rows(root / name)):
                by_name[key].append(entry)
    index: dict[str, LawIndexEntry] = {}
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        found = _match(rel, by_name.get(split_version(path.stem)[0], []))
        if found is not None:
            index[rel] = found
    return index
