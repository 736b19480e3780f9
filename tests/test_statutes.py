from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from rag.errors import DocumentError
from rag.ingest.lawindex import LawIndexEntry, load_law_index, split_version
from rag.ingest.statutes import law_aliases, parse_statute, short_title
from rag.types import Chunk, Document


def _find_laws() -> Path:
    # shared/ sits beside the checkout, or inside it on machines that copy it along.
    repo = Path(__file__).resolve().parents[1]
    candidates = [base / "shared/external/lawrefbook-laws" for base in (repo, repo.parent)]
    return next((p for p in candidates if p.is_dir()), candidates[-1])


LAWS = _find_laws()
needs_laws = pytest.mark.skipif(
    not (LAWS / "民法典").is_dir(), reason=f"LawRefBook copy not found at {LAWS} (shared/external absent)"
)

MINI = """\
# 中华人民共和国示例法

2020年5月28日 第十三届全国人民代表大会第三次会议通过

第一条 这一行是历史行的样子，但在 INFO END 之前，不是条文。

<!-- INFO END -->

## 第一章 总　则

第一条 为了示例，制定本法。

第二条 第一款。

第二款。

（一）第一项；

（二）第二项。

### 第一节 细则

第二条之一 新增的条文。

## 第二章 附则

第三条 本法自2021年1月1日起施行。
"""


def _write(tmp_path: Path, text: str, name: str = "示例法.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _by_article(chunks: list[Chunk]) -> dict[str, Chunk]:
    return {c.chunk_id.split("#", 1)[1]: c for c in chunks}


def _assert_offsets(doc: Document, chunks: list[Chunk]) -> None:
    for chunk in chunks:
        assert doc.text[chunk.start:chunk.end] == chunk.text
        assert (chunk.clean_start, chunk.clean_end) == (chunk.start, chunk.end)
        assert chunk.text == chunk.text.strip()


def test_articles_sections_and_labels(tmp_path: Path) -> None:
    doc, chunks = parse_statute(_write(tmp_path, MINI), root=None, index=None, collection="laws")
    by = _by_article(chunks)
    assert list(by) == ["第一条", "第二条", "第二条之一", "第三条"]  # the history line is not an article
    assert by["第二条"].text == "第二条 第一款。\n\n第二款。\n\n（一）第一项；\n\n（二）第二项。"
    assert by["第一条"].section == ("第一章 总则",)
    assert by["第二条之一"].section == ("第一章 总则", "第一节 细则")
    assert by["第三条"].section == ("第二章 附则",)  # a new 章 clears the 节
    assert by["第三条"].label == "示例法 第三条"
    assert {c.collection for c in chunks} == {"laws"}
    assert by["第一条"].chunk_id == f"{doc.doc_id}#第一条"
    _assert_offsets(doc, chunks)


def test_meta_from_the_file_head(tmp_path: Path) -> None:
    doc, _ = parse_statute(_write(tmp_path, MINI), root=None, index=None, collection="laws")
    meta = doc.meta
    assert (meta.title, meta.short_title, meta.kind) == ("中华人民共和国示例法", "示例法", "statute")
    assert (meta.date, meta.issuer, meta.in_force) == ("2020-05-28", "全国人民代表大会", True)
    assert doc.text == MINI


def test_plain_text_statute_with_digit_numbers(tmp_path: Path) -> None:
    text = "某市养犬管理条例\r\n2019年3月1日 某市人民代表大会常务委员会通过\r\n第一章 总则\r\n" \
           "第1条 为了规范养犬。\r\n第2条 本条例适用于本市。\r\n所称犬只，是指家养犬。\r\n"
    doc, chunks = parse_statute(_write(tmp_path, text, "条例.txt"), root=None, index=None, collection="x")
    by = _by_article(chunks)
    assert list(by) == ["第一条", "第二条"]
    assert by["第二条"].text == "第2条 本条例适用于本市。\r\n所称犬只，是指家养犬。"
    assert by["第一条"].section == ("第一章 总则",)
    assert (doc.meta.title, doc.meta.issuer) == ("某市养犬管理条例", "某市人民代表大会常务委员会")
    _assert_offsets(doc, chunks)


def test_long_article_is_split_at_paragraphs(tmp_path: Path) -> None:
    paras = [f"第{n}款" + "文" * 300 + "。" for n in "一二三四五"]
    text = "# 长条法\n\n<!-- INFO END -->\n\n第一条 " + "\n\n".join(paras) + "\n\n第二条 短。\n"
    doc, chunks = parse_statute(_write(tmp_path, text), root=None, index=None, collection="x", split_over=700)
    ids = [c.chunk_id.split("#", 1)[1] for c in chunks]
    assert ids == ["第一条", "第一条（续1）", "第一条（续2）", "第二条"]
    assert {c.label for c in chunks[:3]} == {"长条法 第一条"}
    assert all(len(c.text) <= 700 for c in chunks)
    assert chunks[1].text.startswith("第")  # each part starts at a 款
    _assert_offsets(doc, chunks)


def test_gb18030_file_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "旧法.txt"
    path.write_bytes("旧法\n第一条 用国标码保存。\n".encode("gb18030"))
    _, chunks = parse_statute(path, root=None, index=None, collection="x")
    assert chunks[0].text == "第一条 用国标码保存。"


def test_errors_name_the_file_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"空\.md 是空的，请补全内容或从资料库中移除"):
        parse_statute(_write(tmp_path, " \n", "空.md"), root=None, index=None, collection="x")
    with pytest.raises(DocumentError, match=r"决定\.md 没有条文.*不收录"):
        parse_statute(_write(tmp_path, "# 决定\n\n一、不用条文编号。\n", "决定.md"), root=None, index=None,
                      collection="x")
    bad = tmp_path / "坏.md"
    bad.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(DocumentError, match=r"坏\.md 既不是 UTF-8 也不是 GB18030 编码，请另存为 UTF-8"):
        parse_statute(bad, root=None, index=None, collection="x")
    with pytest.raises(DocumentError, match=r"不在 .* 之下，请把包含它的文件夹作为根目录"):
        parse_statute(_write(tmp_path, MINI), root=tmp_path / "elsewhere", index=None, collection="x")
    with pytest.raises(DocumentError, match=r"无法读取法律文件 .*请检查路径"):
        parse_statute(tmp_path / "missing.md", root=None, index=None, collection="x")


def test_short_title_and_aliases() -> None:
    assert short_title("中华人民共和国民法典") == "民法典"
    assert short_title("中华人民共和国刑法") == "刑法"
    assert short_title("重庆市实施《中华人民共和国国家赔偿法》办法") == "重庆市实施《国家赔偿法》办法"
    assert short_title("人民法院在线诉讼规则") == "人民法院在线诉讼规则"
    assert law_aliases("中华人民共和国民法典") == {
        "中华人民共和国民法典", "民法典", "《中华人民共和国民法典》", "《民法典》"}


def test_law_index_matches_files_by_name_and_version(tmp_path: Path) -> None:
    common = {"level": "地方性法规", "name": "某条例", "filename": None, "category": "北京",
              "folder": "DLC/x/地方性法规/北京", "dlc": "x"}
    rows = [
        {**common, "id": "a", "publish": "", "expired": 1, "valid_from": ""},
        {**common, "id": "b", "publish": "2022-05-25", "expired": 0, "valid_from": "2022-08-01"},
    ]
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
    (tmp_path / "law_index.local_dlc.jsonl").write_text(lines, encoding="utf-8")
    folder = tmp_path / "DLC/x/地方性法规/北京"
    folder.mkdir(parents=True)
    for name in ("某条例.md", "某条例(2022-05-25).md", "不在目录.md"):
        (folder / name).write_text(MINI, encoding="utf-8")
    index = load_law_index(tmp_path)
    assert set(index) == {"DLC/x/地方性法规/北京/某条例.md", "DLC/x/地方性法规/北京/某条例(2022-05-25).md"}
    new = index["DLC/x/地方性法规/北京/某条例(2022-05-25).md"]
    assert new == LawIndexEntry(name="某条例", level="地方性法规", folder="DLC/x/地方性法规/北京",
                                publish="2022-05-25", valid_from="2022-08-01", expired=False, place="北京")
    assert index["DLC/x/地方性法规/北京/某条例.md"].expired
    assert split_version("专利法实施细则(2023-12-11)") == ("专利法实施细则", "2023-12-11")


@pytest.fixture(scope="module")
def law_index() -> dict[str, LawIndexEntry]:
    return load_law_index(LAWS)


def _parse_real(rel: str, index: dict[str, LawIndexEntry]) -> tuple[Document, list[Chunk]]:
    return parse_statute(LAWS / rel, root=LAWS, index=index, collection="laws")


@needs_laws
def test_civil_code_book_paths(law_index: dict[str, LawIndexEntry]) -> None:
    doc, chunks = _parse_real("民法典/总则.md", law_index)
    by = _by_article(chunks)
    info_end = doc.text.index("<!-- INFO END -->")
    assert min(c.start for c in chunks) > info_end  # the history lines are not articles
    assert list(by)[:2] == ["第一条", "第二条"]
    art = by["第五十四条"]
    assert art.label == "民法典 第五十四条"
    assert art.section == ("总则", "第二章 自然人", "第四节 个体工商户和农村承包经营户")
    assert art.text.startswith("第五十四条 自然人从事工商业经营")
    _, contract = _parse_real("民法典/合同编.md", law_index)
    assert _by_article(contract)["第六百八十一条"].section == (
        "合同编", "第二分编 典型合同", "第十三章 保证合同", "第一节 一般规定")
    # The catalog has no dates for 民法典; they come from the history lines.
    assert (law_index["民法典/总则.md"].publish, law_index["民法典/总则.md"].valid_from) == ("", "")
    meta = doc.meta
    assert (meta.level, meta.date, meta.effective) == ("法律", "2020-05-28", "2021-01-01")
    assert meta.in_force
    assert (meta.source, meta.place, meta.issuer) == ("民法典/总则.md", "全国", "全国人民代表大会")


@needs_laws
def test_criminal_law_article_zhi_yi_and_appendix(law_index: dict[str, LawIndexEntry]) -> None:
    doc, chunks = _parse_real("刑法/刑法.md", law_index)
    by = _by_article(chunks)
    assert by["第一百二十条之一"].label == "刑法 第一百二十条之一"
    assert by["第一百二十条之一"].text.startswith("第一百二十条之一 资助恐怖活动组织")
    assert by["第十三条"].section == ("第一编 总则", "第二章 犯罪", "第一节 犯罪和刑事责任")
    assert by["第四百五十二条"].section == ("附则",)  # an unnumbered 编-level heading clears 章 and 节
    assert len(by) == len(chunks) > 450
    assert doc.meta.short_title == "刑法"


@needs_laws
def test_very_long_real_article_is_split(law_index: dict[str, LawIndexEntry]) -> None:
    doc, chunks = _parse_real("部门规章/公安部/交通警察道路执勤执法工作规范(2018-01-25).md", law_index)
    parts = [c for c in chunks if c.label.endswith(" 第八十六条")]
    assert [c.chunk_id.split("#", 1)[1] for c in parts] == [
        "第八十六条", "第八十六条（续1）", "第八十六条（续2）", "第八十六条（续3）"]
    assert all(len(c.text) <= 1200 for c in parts)
    assert all(a.end < b.start for a, b in itertools.pairwise(parts))
    assert doc.meta.level == "部门规章"


@needs_laws
def test_local_regulation_meta(law_index: dict[str, LawIndexEntry]) -> None:
    doc, _ = _parse_real("DLC/广东地方法规/地方性法规/广东/广东省市场监管条例(2021-09-29).md", law_index)
    assert (doc.meta.level, doc.meta.place, doc.meta.date) == ("地方性法规", "广东", "2021-09-29")
    assert doc.meta.issuer == "广东省人民代表大会常务委员会"
    old, _ = _parse_real("DLC/北京地方法规/地方性法规/北京/北京市人才市场管理条例.md", law_index)
    assert old.meta.in_force is False  # expired in the catalog


@needs_laws
def test_index_covers_files_the_catalog_misplaces(law_index: dict[str, LawIndexEntry]) -> None:
    # The catalog lists 广告法 under 行政法 only, but a copy also sits in 经济法.
    assert law_index["经济法/广告法(2021-04-29).md"].name == "广告法"
    assert law_index["司法解释/人民法院在线诉讼规则(2021-06-16).md"].level == "司法解释"
    assert law_index["民法典/合同编.md"].name == "民法典 合同编"  # matched by its `filename` field
    versions = {law_index[f"DLC/北京地方法规/地方性法规/北京/北京市安全生产条例{v}.md"].publish
                for v in ("", "(2022-05-25)")}
    assert versions == {"", "2022-05-25"}


@needs_laws
@pytest.mark.parametrize("rel", [
    "民法典/侵权责任编.md", "刑法/刑法.md", "宪法/宪法.md", "行政法规/专利法实施细则(2023-12-11).md",
    "司法解释/人民法院在线诉讼规则(2021-06-16).md",
    "DLC/广东地方法规/地方性法规/广东/深圳经济特区绿色建筑条例(2022-03-28).md",
])
def test_offsets_point_into_real_files(rel: str, law_index: dict[str, LawIndexEntry]) -> None:
    doc, chunks = _parse_real(rel, law_index)
    assert doc.text == (LAWS / rel).read_text(encoding="utf-8")
    assert len({c.chunk_id for c in chunks}) == len(chunks) > 10
    _assert_offsets(doc, chunks)


@needs_laws
def test_amendment_without_articles_is_refused(law_index: dict[str, LawIndexEntry]) -> None:
    with pytest.raises(DocumentError, match=r"刑法修正案（十一）\.md 没有条文"):
        _parse_real("刑法/刑法修正案（十一）.md", law_index)
