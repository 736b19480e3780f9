from pathlib import Path

import pytest

from rag.ingest.catalog import load_catalog
from rag.ingest.chunking import METADATA_SECTION, chunk_report, pack_sentences
from rag.ingest.cleaning import clean_report
from rag.ingest.loading import read_text
from rag.ingest.reports import load_report
from rag.text.normalize import normalise
from rag.text.sentences import sentence_spans

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
REPORT = """坦洲镇2023年工作报告
一、工作开展情况
(一)全面加强党的领导
1. 深学细悟笃行,全面落实精神。深入学习报告。召开宣讲活动36场次。
2. 立足基层实践。将思想列入学习内容。
二、存在问题
推进力度不均衡。"""


def test_heading_paths_follow_the_outline() -> None:
    _, chunks = chunk_report("d", clean_report(REPORT))
    assert [c.section for c in chunks] == [
        ("一、工作开展情况", "(一)全面加强党的领导", "1. 深学细悟笃行,全面落实精神"),
        ("一、工作开展情况", "(一)全面加强党的领导", "2. 立足基层实践"),
        ("二、存在问题",),
    ]
    assert chunks[0].text.startswith("1. 深学细悟笃行") and chunks[2].text == "推进力度不均衡。"


def test_long_sections_split_only_at_sentence_ends() -> None:
    text = "一、标题\n" + "".join(f"第{i}句话说了一些内容。" for i in range(40))
    clean, chunks = chunk_report("d", clean_report(text), max_chars=60)
    assert len(chunks) > 5 and all(len(c.text) <= 60 for c in chunks)
    assert all(c.text.endswith("。") for c in chunks)
    ends = {end for _, end in sentence_spans(clean.text)}
    assert all(c.clean_end in ends for c in chunks)


def test_pack_keeps_an_overlong_sentence_whole() -> None:
    assert pack_sentences([(0, 10), (10, 100), (100, 110)], 50) == [(0, 10), (10, 100), (100, 110)]


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_seed_chunks_point_into_the_original_file(path: Path) -> None:
    document, chunks = load_report(path, doc_id=path.stem, meta=load_catalog(SEEDS)[path.name])
    original = read_text(path)
    for chunk in chunks:
        assert document.text[chunk.clean_start:chunk.clean_end] == chunk.text
        source = normalise(original[chunk.start:chunk.end])
        assert source[:2] == chunk.text[:2] and source[-2:] == chunk.text[-2:], chunk.chunk_id
        assert len(chunk.text) <= 400 or len(sentence_spans(chunk.text)) == 1


def test_web_page_header_line_becomes_a_citable_metadata_passage() -> None:
    path = SEEDS / "004_15d93f3a6553327b.txt"
    _, chunks = load_report(path, doc_id=path.stem, meta=None)
    meta_chunks = [c for c in chunks if c.section == (METADATA_SECTION,)]
    assert [c.text for c in meta_chunks] == ["来源: 海门区委政法委 发布时间:2021-05-20"]
