"""bench.citizens over a real HTTP server of the shipped service: the figures it reports are read from what
/api/answer returns, as the unseen citizen questions will be asked."""

from __future__ import annotations

import json
from pathlib import Path

from app.engine import Engine
from app.server import create_app, serve_in_thread
from bench.citizens import ask_all, figures
from rag.evaluation.scoring import load_questions

ROWS = [
    {"id": "t-1", "question": "劳动合同的试用期最长可以约定多久？", "law": "劳动法", "articles": ["第二十一条"],
     "evidence": "试用期最长不得超过六个月", "answer": "六个月", "type": "number", "note": ""},
    {"id": "t-2", "question": "喝了酒开车，血液里的酒精含量到多少算醉驾？", "law": "", "articles": [], "evidence": "",
     "answer": "", "type": "unanswerable", "note": "数值由国家标准规定，法律条文没有。"},
]


def test_citizen_figures_come_from_the_answers_over_http(shipped_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "citizens.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in ROWS), encoding="utf-8")
    with serve_in_thread(create_app(engine=shipped_engine, ui=False), wait_for_chat=False) as url:
        asked = ask_all(url, load_questions(path))
    assert [a.rank for a in asked] == [1, None] and [a.abstained for a in asked] == [False, True]
    assert figures(asked) == {"first_citation": 1.0, "among_five": 1.0, "abstain_unanswerable": 1.0,
                              "abstain_answerable": 0.0, "answerable": 1, "unanswerable": 1}
