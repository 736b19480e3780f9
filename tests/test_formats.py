"""Every format through its library: headings recovered, unreadable files named with the reason."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from rag.errors import DocumentError
from rag.ingest.blocks import Block, blocks_text, heading_level, markdown_blocks
from rag.ingest.formats import check_zip
from rag.ingest.indexing import discover, load_corpus, unsupported
from rag.ingest.loading import read_document
from tests import formats_fixtures as fx


def test_markdown_headings_lose_their_hashes() -> None:
    blocks = markdown_blocks("# 某某镇人民调解工作简报\n\n## 一、调解工作概况 ##\n正文第一行\n正文第二行\n")
    assert blocks == [Block("heading", "某某镇人民调解工作简报", 1), Block("heading", "一、调解工作概况", 2),
                      Block("text", "正文第一行\n正文第二行")]
    assert blocks_text(blocks) == "某某镇人民调解工作简报\n\n一、调解工作概况\n\n正文第一行\n正文第二行"


def test_word_heading_styles() -> None:
    assert [heading_level(s) for s in ("Title", "Heading 1", "标题 2", "Normal", "List Paragraph")] == [1, 1, 2, 0, 0]


def test_zip_bomb_is_refused_before_parsing() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * 50_000_000)
    with pytest.raises(DocumentError, match="疑似压缩炸弹"):
        check_zip(buffer.getvalue(), "炸弹.docx")
    with pytest.raises(DocumentError, match="Word 文件已损坏"):
        check_zip(b"not a zip at all", "坏.docx")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not fx.CJK_FONT.exists():
        pytest.skip(f"{fx.CJK_FONT} is missing (apt package fonts-noto-cjk)")
    return fx.write_folder(tmp_path_factory.mktemp("formats") / "资料")


def test_each_format_keeps_its_headings_and_facts(folder: Path) -> None:
    corpus = load_corpus(discover([folder]), collection="kb", max_chars=400)
    by_id = {d.doc_id: d for d in corpus.documents}
    assert set(by_id) == {"通报", "简介", "夜间调解", "援助", "简报"}
    assert by_id["通报"].meta.title == "青禾镇人民调解工作通报"
    assert by_id["简报"].meta.title == "某某镇人民调解工作简报"
    assert by_id["夜间调解"].meta.title == "白鹭街道夜间调解室运行情况"
    assert "首页" not in by_id["夜间调解"].text and "版权所有" not in by_id["夜间调解"].text
    sections = {c.text: c.section for c in corpus.chunks}
    assert sections[fx.DOCX_FACT] == ("一、总体情况",)
    assert sections[fx.MD_FACT] == ("一、法治宣传",)
    assert sections[fx.GBK_FACT] == ("一、追索劳动报酬",)
    assert any(fx.HTML_FACT in text and section == ("一、接待情况",) for text, section in sections.items())
    assert any(fx.PDF_FACT in text for text in sections)
    assert not any("#" in "".join(c.section) for c in corpus.chunks)
    for chunk in corpus.chunks:  # offsets index the extracted text
        original = read_document(Path(by_id[chunk.doc_id].path))
        assert "".join(original[chunk.start:chunk.end].split()) == "".join(chunk.text.split())


def test_every_unreadable_file_is_named_with_its_reason(folder: Path) -> None:
    corpus = load_corpus(discover([folder]), collection="kb", max_chars=400)
    messages = unsupported([folder]) + corpus.skipped
    reasons = {"扫描件.pdf": "没有文字层", "空白.txt": "文件是空的", "数据.txt": "二进制文件",
               "表格.xlsx": "不支持的格式"}
    for name, reason in reasons.items():
        assert any(name in m and reason in m for m in messages), (name, messages)
    assert len(messages) == len(reasons)
