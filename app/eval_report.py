"""`lawqa eval`: run every retrieval mode over a question file, print and save the results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast

from app.engine import Engine
from rag.errors import InputError
from rag.evaluation.scoring import Outcome, load_questions, metrics, run_question
from rag.types import SEARCH_MODES, Answer, Hit, SearchMode

Results = dict[str, tuple[dict[str, object], list[Outcome]]]
_COLUMNS = ("recall@1", "recall@3", "recall@5", "recall@10", "mrr@10", "abstain_unanswerable",
            "abstain_answerable", "answer_accuracy", "span_coverage", "search_ms_p50", "search_ms_p95")


def evaluate(engine: Engine, path: Path, modes: list[str], top_k: int, collections: list[str] | None = None) -> Results:
    unknown = [m for m in modes if m not in SEARCH_MODES]
    if unknown:
        raise InputError(f"未知的检索方式：{'、'.join(unknown)}，可选：{'、'.join(SEARCH_MODES)}")
    questions = load_questions(path)
    results: Results = {}
    for mode in dict.fromkeys([*modes, engine.settings.mode]):
        search_mode = cast(SearchMode, mode)

        def search(text: str, m: SearchMode = search_mode) -> list[Hit]:
            return engine.search(text, top_k=top_k, mode=m, collections=collections)

        def answer(text: str, hits: list[Hit], m: SearchMode = search_mode) -> Answer:
            return engine.compose(text, hits, m)

        outcomes = [run_question(q, search, answer) for q in questions]
        label = f"{mode} (default)" if mode == engine.settings.mode else mode
        results[label] = (metrics(outcomes), outcomes)
    return results


def print_table(summary: dict[str, dict[str, object]]) -> None:
    width = max(len(m) for m in summary) + 2
    print("mode".ljust(width) + "".join(c.replace("abstain_", "abst_").rjust(16) for c in _COLUMNS))
    for mode, row in summary.items():
        print(mode.ljust(width) + "".join(f"{row[c]:>16}" for c in _COLUMNS))
    for mode, row in summary.items():
        print(f"recall@5 by type, {mode}: {json.dumps(row['recall@5_by_type'], ensure_ascii=False)}")


def save_report(directory: Path, results: Results, default_mode: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    summary = {mode: metrics for mode, (metrics, _) in results.items()}
    (directory / "metrics.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    default = next(outcomes for mode, (_, outcomes) in results.items() if mode.startswith(default_mode))
    with (directory / "results.jsonl").open("w", encoding="utf-8") as out:
        for o in default:
            row = {"id": o.question.id, "passages": list(o.passages), "abstained": o.abstained, "answer": o.answer}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    lines = ["# lawqa evaluation", "", "| mode | " + " | ".join(_COLUMNS) + " |",
             "|---|" + "---|" * len(_COLUMNS)]
    lines += [f"| {mode} | " + " | ".join(str(row[c]) for c in _COLUMNS) + " |" for mode, row in summary.items()]
    misses = [o for o in default if o.question.answerable and (o.first_hit is None or o.first_hit > 5)]
    lines += ["", f"## Answerable questions without a hit in the top 5 ({default_mode})", ""]
    lines += [f"- {o.question.id} {o.question.question}" for o in misses] or ["- none"]
    (directory / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
