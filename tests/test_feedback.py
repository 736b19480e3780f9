"""Ratings kept as JSON lines, checked, and exported by `lawqa feedback export`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.feedback import Feedback, FeedbackCitation, FeedbackStore
from rag.errors import InputError


def test_ratings_are_checked_and_appended(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.jsonl")
    cited = (FeedbackCitation(1, "通报", "青禾镇人民调解工作通报", "一、总体情况", 20, 58),)
    store.add(Feedback("down", " 青禾镇调处了多少件纠纷？ ", "四十七件。[1]", cited, "要注明年份"))
    store.add(Feedback("up", "坦洲镇排第几？", "第三。[1]"))
    with pytest.raises(InputError, match="评价只能是"):
        store.add(Feedback("meh", "问题", "回答"))
    with pytest.raises(InputError, match="意见过长"):
        store.add(Feedback("up", "问题", "回答", comment="长" * 1001))
    rows = list(store.rows())
    assert [r["rating"] for r in rows] == ["down", "up"] and rows[0]["question"] == "青禾镇调处了多少件纠纷？"
    assert rows[0]["citations"][0]["doc_id"] == "通报" and rows[0]["created"]


def test_export_prints_lines_and_evaluation_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LAWQA_HOME", str(tmp_path))
    store = FeedbackStore(tmp_path / "feedback.jsonl")
    store.add(Feedback("down", "青禾镇调处了多少件纠纷？", "四十七件。", (FeedbackCitation(1, "通报", "", "", 0, 9),)))
    store.add(Feedback("up", "坦洲镇排第几？", "第三。"))
    assert main(["feedback", "export", "--rating", "down", "--as-questions"]) == 0
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert records == [{"id": "fb-001", "question": "青禾镇调处了多少件纠纷？", "answer": "", "evidence": "",
                        "doc": "通报", "type": "", "note": records[0]["note"]}]
    assert records[0]["note"].startswith("feedback down") and "共导出 1 条评价" in err
    assert main(["feedback", "export"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
