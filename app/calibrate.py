"""`lawqa calibrate`: re-learn the answer step's thresholds from the question files, by cross-validation.

Each question is searched once; its hits are then answered under every policy
of the grid. The policy chosen on all questions is written to
`app/learned/answer_policy.json` (read as the default by app.config), together
with the cross-validated figures, which are the ones to report.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path

from app.engine import Engine
from app.learned import POLICY_PATH
from rag.answer.compose import AnswerPolicy
from rag.evaluation.calibration import Decision, Trial, choose, cross_validate, rates
from rag.evaluation.scoring import load_questions
from rag.text.normalize import fold

CONFIDENCE_GRID = (0.0, 0.03, 0.06, 0.08, 0.1, 0.12, 0.15, 0.18, 0.22, 0.26, 0.3)
FOCUS_GRID = (0.0, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7)


def grid() -> list[AnswerPolicy]:
    return [AnswerPolicy(c, f) for c in CONFIDENCE_GRID for f in FOCUS_GRID]


def trials(engine: Engine, files: list[Path], collections: list[str] | None) -> list[Trial]:
    """Every question searched once over `collections` (None: every loaded one, as the service does)."""
    found = []
    policies = grid()
    for path in files:
        for q in load_questions(path):
            hits = engine.search(q.question, top_k=5, collections=collections)
            decisions = {}
            for policy in policies:
                answer = engine.compose(q.question, hits, engine.settings.mode, policy=policy)
                correct = q.answerable and not answer.abstained and fold(q.answer) in fold(answer.text)
                decisions[policy] = Decision(answer.abstained, correct)
            found.append(Trial(q, decisions))
    return found


def calibrate(engine: Engine, files: list[Path], collections: list[str] | None, *, folds: int, max_wrong: float,
              write: bool) -> dict[str, object]:
    measured = trials(engine, files, collections)
    held_out, per_fold = cross_validate(measured, grid(), folds=folds, max_wrong=max_wrong)
    final = choose(measured, grid(), max_wrong)
    in_sample = rates(measured, dict.fromkeys((t.question.id for t in measured), final))
    report: dict[str, object] = {
        "policy": asdict(final),
        "cross_validated": asdict(held_out),
        "in_sample": asdict(in_sample),
        "per_fold_policies": [asdict(p) for p in per_fold],
        "method": f"{folds}-fold cross-validation by question id over {', '.join(p.name for p in files)}; "
                  f"per fold, the policy abstaining on most unanswerable questions with at most "
                  f"{max_wrong:.0%} wrong abstentions on the training folds",
        "collections": collections or list(engine.collections),
        "date": date.today().isoformat(),
    }
    if write:
        POLICY_PATH.parent.mkdir(parents=True, exist_ok=True)
        POLICY_PATH.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return report
