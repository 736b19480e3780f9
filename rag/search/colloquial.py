"""Everyday words and what the statutes call them: 加班 -> 延长工作时间, 房东 -> 出租人.

The learned expansion (rag.search.expansion) knows only the words STARD's questions use
often enough, and a desk's questions bring everyday words it never saw: "周末加班" asks
for 劳动法第四十四条, which says "休息日安排劳动者工作" and "延长工作时间". This table is
written by hand from the statutes' own wording (colloquial.tsv: one lay word per line, a
word jieba keeps whole, then the legal phrases). Each phrase is split with the
collection's tokenizer and added at full share, so the expander weighs it like the
surest learned pairs. `lawqa learn` merges it into the model's expansion table, so the
reranker's weights are learned with it in place and the service reads it from the model,
never from this file: an edit takes effect, and is checked, when the model is re-learned.
The model keeps the table as written too (LawModel.everyday_words), for the answer step:
周末 counts as found in an article that says 休息日.
"""

from __future__ import annotations

from pathlib import Path

from rag.errors import DocumentError
from rag.text.tokenize import Tokenizer

LEXICON_PATH = Path(__file__).with_name("colloquial.tsv")
Table = dict[str, list[tuple[str, float]]]


def read_lexicon(path: Path = LEXICON_PATH) -> dict[str, list[str]]:
    """Lay word -> legal phrases; lines starting with # are comments. A line not of the form
    "word<TAB>phrase、phrase", or a file that cannot be read, is a DocumentError naming it."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        why = "不是 UTF-8 编码的文本" if isinstance(exc, UnicodeDecodeError) else "文件无法读取"
        raise DocumentError(f"口语词表 {path.name} 无法读取：{why}") from exc
    lexicon: dict[str, list[str]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        lay, _, legal = line.partition("\t")
        phrases = [phrase.strip() for phrase in legal.split("、") if phrase.strip()]
        if not lay.strip() or not phrases:
            raise DocumentError(f"口语词表 {path.name} 第 {number} 行应为“口语词<Tab>法律用语、法律用语”：{line!r}")
        lexicon[lay.strip()] = phrases
    return lexicon


def colloquial_table(tokenizer: Tokenizer, lexicon: dict[str, list[str]] | None = None) -> Table:
    """The lexicon in the expander's terms: lay word -> (statute token, share 1.0)."""
    table: Table = {}
    for lay, phrases in (read_lexicon() if lexicon is None else lexicon).items():
        terms = dict.fromkeys(t for phrase in phrases for t in tokenizer.tokens(phrase) if t != lay)
        table[lay] = [(term, 1.0) for term in terms]
    return table


def with_colloquial(learned: Table, colloquial: Table) -> Table:
    """The learned table with the lexicon's pairs first for each lay word (the expander keeps the larger share)."""
    merged = {term: list(pairs) for term, pairs in learned.items()}
    for term, pairs in colloquial.items():
        merged[term] = [*pairs, *merged.get(term, [])]
    return merged
