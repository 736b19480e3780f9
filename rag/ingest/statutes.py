"""Statute files (LawRefBook Markdown, or plain text of the same shape) -> one chunk per article.

Statutes need no cleaning, so `Document.text` is the decoded file and every chunk's offsets point
into it: `doc.text[chunk.start:chunk.end] == chunk.text`, which is what makes a citation checkable.
An article is the line starting "第X条" (or "第X条之一") plus the paragraphs (款, 项) after it, up
to the next article or heading. Headings (编 > 分编 > 章 > 节) give each article its section path.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from rag.errors import DocumentError
from rag.ingest.lawindex import LawIndexEntry, level_for, split_version
from rag.ingest.statute_header import Header, closing_effective, history_date, issuer_of, read_header, split_lines
from rag.ingest.statute_layout import START, Article, article_blocks
from rag.types import Chunk, DocMeta, Document

__all__ = ["SPLIT_OVER", "law_aliases", "parse_statute", "short_title"]

SPLIT_OVER = 1200  # characters; longer articles are cut at 款 boundaries to stay embeddable
_ITEM = re.compile(r"[ \t\u3000]*[（(][一二三四五六七八九十]+[）)]")  # a 项, which stays with its 款
_PREFIX = "中华人民共和国"


def short_title(title: str) -> str:
    """The name people use: "中华人民共和国民法典" -> "民法典"; nested 《中华人民共和国X》 -> 《X》."""
    short = title.strip()
    if short.startswith(_PREFIX) and len(short) > len(_PREFIX):
        short = short[len(_PREFIX):]
    return short.replace("《" + _PREFIX, "《").replace("〈" + _PREFIX, "〈")


def law_aliases(title: str) -> set[str]:
    """Ways a question may name the law: full and short title, bare or in 《》, spaces removed."""
    names = {title.strip(), short_title(title)}
    names |= {"".join(name.split()) for name in names}
    return {alias for name in names if name for alias in (name, f"《{name}》")}


def _cut(paras: Sequence[tuple[int, int]], parts: int, cuttable: list[bool]) -> list[tuple[int, int]]:
    """`parts` spans, each cut at the cuttable paragraph start nearest its equal-share offset."""
    first, last = paras[0][0], paras[-1][1]
    end_before = {paras[i][0]: paras[i - 1][1] for i in range(1, len(paras)) if cuttable[i]}
    share = (last - first) / parts
    cuts = sorted({min(end_before, key=lambda s: abs(s - first - k * share)) for k in range(1, parts)})
    return list(zip([first, *cuts], [*(end_before[c] for c in cuts), last], strict=True))


def _parts(paras: Sequence[tuple[int, int]], text: str, limit: int) -> list[tuple[int, int]]:
    """Spans of an article: whole, or in near-equal parts cut between 款 (paragraphs).

    Only where 款 boundaries cannot keep every part within `limit` may a cut fall before a 项.
    """
    parts = math.ceil((paras[-1][1] - paras[0][0]) / limit)
    if parts <= 1 or len(paras) == 1:
        return [(paras[0][0], paras[-1][1])]
    is_kuan = [not _ITEM.match(text, start) for start, _ in paras]
    if any(is_kuan[1:]):
        spans = _cut(paras, parts, is_kuan)
        if max(end - start for start, end in spans) <= limit:
            return spans
    return _cut(paras, parts, [True] * len(paras))


def _chunks(doc: Document, blocks: list[Article], limit: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: Counter[str] = Counter()
    for block in blocks:
        seen[block.name] += 1
        # A repeated number (a second text appended to the file) must not collide with the first.
        base = f"{doc.doc_id}#{block.name}" + (f"~{seen[block.name]}" if seen[block.name] > 1 else "")
        for k, (start, end) in enumerate(_parts(block.paras, doc.text, limit)):
            chunks.append(Chunk(
                chunk_id=base if k == 0 else f"{base}（续{k}）", doc_id=doc.doc_id,
                text=doc.text[start:end], section=block.section, start=start, end=end,
                clean_start=start, clean_end=end, label=f"{doc.meta.short_title} {block.name}",
                collection=doc.collection))
    return chunks


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"无法读取法律文件 {path} （{exc.strerror}），请检查路径") from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not text.strip():
            raise DocumentError(f"法律文件 {path} 是空的，请补全内容或从资料库中移除")
        return text
    raise DocumentError(f"法律文件 {path} 既不是 UTF-8 也不是 GB18030 编码，请另存为 UTF-8")


def _relative(path: Path, root: Path | None) -> str:
    if root is None:
        return path.name
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise DocumentError(f"法律文件 {path} 不在 {root} 之下，请把包含它的文件夹作为根目录") from None


def _doc_id(rel: str) -> str:
    """Stable and unique per relative path; the stem is kept (cut short) so ids stay readable."""
    digest = hashlib.sha1(rel.encode("utf-8")).hexdigest()[:8]
    return f"{digest}_{''.join(Path(rel).stem.split())[:24]}"


def _meta(header: Header, rel: str, entry: LawIndexEntry | None, text: str) -> DocMeta:
    name, version = split_version(Path(rel).stem)
    date = (entry.publish if entry else "") or version or history_date(header.history)
    title = header.title or (entry.name if entry else name)
    level = level_for(rel, entry.level if entry else "")
    parts = rel.split("/")
    # DLC/<bundle>/地方性法规/<province>/<file>; a known national level means nationwide.
    place = parts[3] if parts[0] == "DLC" and len(parts) > 4 else ("全国" if level else "")
    return DocMeta(
        title=title, short_title=short_title(title), kind="statute", source=rel,
        place=entry.place if entry and entry.place else place,
        issuer=issuer_of(title, header.history), level=level,
        date=date,
        effective=((entry.valid_from if entry else "") or history_date(header.history, effective=True)
                   or closing_effective(text, date)),
        in_force=not entry.expired if entry else True,
    )


def parse_statute(
    path: Path,
    *,
    root: Path | None = None,
    index: dict[str, LawIndexEntry] | None = None,
    collection: str = "statutes",
    split_over: int = SPLIT_OVER,
) -> tuple[Document, list[Chunk]]:
    """Read one statute file into its Document and one Chunk per article (long ones in parts).

    `root` is the corpus folder: ids, `meta.source` and the `index` lookup use the path relative
    to it. Without it the file name stands in, so keep names unique within a collection.
    """
    text = _read(path)
    rel = _relative(path, root)
    lines = split_lines(text)
    header = read_header(lines, START)
    meta = _meta(header, rel, (index or {}).get(rel), text)
    doc = Document(doc_id=_doc_id(rel), path=str(path), text=text, meta=meta, collection=collection)
    chunks = _chunks(doc, article_blocks(lines, header), split_over)
    if not chunks:
        raise DocumentError(
            f"法律文件 {path} 没有条文（没有以“第X条”开头的行），不是按条文编排的法律；"
            "请作为报告收录，或不收录")
    return doc, chunks
