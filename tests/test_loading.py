from pathlib import Path

import pytest

from rag.errors import DocumentError
from rag.ingest.loading import decode, read_document, read_text


def test_utf8_gbk_big5_and_utf16_decode_to_the_same_text(tmp_path: Path) -> None:
    text = "第一条 为了保护民事主体的合法权益，调整民事关系，维护社会和经济秩序。"
    for name, data in {"u8": text.encode("utf-8-sig"), "gbk": text.encode("gbk"),
                       "u16": text.encode("utf-16"), "u16le": text.encode("utf-16-le")}.items():
        path = tmp_path / f"{name}.txt"
        path.write_bytes(data)
        assert read_text(path) == text, name
    traditional = "第一條 為了保護民事主體的合法權益，調整民事關係，維護社會和經濟秩序。"
    (tmp_path / "big5.txt").write_bytes(traditional.encode("big5"))
    assert read_text(tmp_path / "big5.txt") == traditional


def test_empty_binary_and_undecodable_files_are_refused_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"a\.txt：文件是空的"):
        decode(b"  \n", "a.txt")
    with pytest.raises(DocumentError, match=r"a\.txt：这是二进制文件"):
        decode(bytes(range(256)) * 4, "a.txt")


def test_missing_file_and_unknown_format_say_so(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="无法读取文件"):
        read_text(tmp_path / "nope.txt")
    (tmp_path / "表.xlsx").write_bytes(b"PK")
    with pytest.raises(DocumentError, match=r"表\.xlsx：不支持的格式“\.xlsx”"):
        read_document(tmp_path / "表.xlsx")
