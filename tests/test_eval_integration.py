"""The real model, the real seeds and a real FAISS index, scored on dev.jsonl.

Floors sit slightly under the figures measured for the README, so a
regression in cleaning, chunking, retrieval or answering shows up here.
"""

from pathlib import Path

import pytest

from app.engine import Engine
from app.eval_report import evaluate, save_report
from rag.text.normalize import fold
from tests.conftest import CALIBRATION, DEV


@pytest.fixture(scope="module")
def dev_results(seed_engine: Engine) -> dict[str, dict[str, object]]:
    results = evaluate(seed_engine, DEV, ["lexical", "dense", "hybrid"], top_k=10)
    return {mode.split()[0]: metrics for mode, (metrics, _) in results.items()}


def test_hybrid_meets_the_retrieval_floors(dev_results: dict[str, dict[str, object]]) -> None:
    hybrid = dev_results["hybrid"]
    assert hybrid["recall@1"] >= 0.90  # type: ignore[operator]
    assert hybrid["recall@5"] >= 0.97  # type: ignore[operator]
    assert hybrid["mrr@10"] >= 0.93  # type: ignore[operator]


def test_hybrid_beats_each_retriever_alone(dev_results: dict[str, dict[str, object]]) -> None:
    for single in ("lexical", "dense"):
        assert dev_results["hybrid"]["mrr@10"] >= dev_results[single]["mrr@10"]  # type: ignore[operator]


def test_answers_and_abstention_floors(dev_results: dict[str, dict[str, object]]) -> None:
    hybrid = dev_results["hybrid"]
    assert hybrid["answer_accuracy"] >= 0.90  # type: ignore[operator]
    assert hybrid["abstain_answerable"] <= 0.05  # type: ignore[operator]
    assert hybrid["abstain_unanswerable"] >= 0.6  # type: ignore[operator]


def test_calibration_questions_stay_separated(seed_engine: Engine) -> None:
    results = evaluate(seed_engine, CALIBRATION, ["hybrid"], top_k=10)
    metrics = next(iter(results.values()))[0]
    assert metrics["abstain_answerable"] == 0.0
    assert metrics["abstain_unanswerable"] >= 0.6  # type: ignore[operator]


def test_saved_report_has_one_line_per_question(seed_engine: Engine, tmp_path: Path) -> None:
    results = evaluate(seed_engine, DEV, ["hybrid"], top_k=10)
    save_report(tmp_path, results, "hybrid")
    lines = (tmp_path / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 50 and '"passages"' in lines[0]
    assert (tmp_path / "metrics.json").exists() and "recall@5" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_citations_check_against_the_source_file(seed_engine: Engine) -> None:
    answer = seed_engine.answer("鹤山通过欠薪案件执行联动机制，帮农民工讨回了多少工钱？")
    assert "466万元" in answer.text and "[1]" in answer.text
    for citation in answer.citations:
        document = seed_engine.documents[citation.hit.chunk.doc_id]
        original = Path(document.path).read_text(encoding="utf-8")
        span = fold(original[citation.hit.chunk.start:citation.hit.chunk.end])
        assert fold(citation.hit.chunk.text)[:6] in span and fold(citation.hit.chunk.text)[-6:] in span
