from pathlib import Path

import pytest

from rag.errors import DocumentError
from rag.ingest.loading import decode, read_text


def test_utf8_gbk_and_utf16_decode_to_the_same_text(tmp_path: Path) -> None:
    text = "第一条 为了保护民事主体的合法权益。"
    for name, data in {"u8": text.encode("utf-8-sig"), "gbk": text.encode("gbk"),
                       "u16": text.encode("utf-16")}.items():
        path = tmp_path / f"{name}.txt"
        path.write_bytes(data)
        assert read_text(path) == text


def test_empty_binary_and_undecodable_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="empty"):
        decode(b"  \n", "a.txt")
    with pytest.raises(DocumentError, match="binary"):
        decode(b"PK\x03\x04\x00\x00", "a.txt")
    with pytest.raises(DocumentError, match="cannot decode"):
        decode(b"\x81\x20\xff\xfe\x80" * 3, "a.txt")


def test_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="cannot read"):
        read_text(tmp_path / "nope.txt")
