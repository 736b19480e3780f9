"""`lawqa calibrate`: re-learn the answer model from the question files, and report it cross-validated.

Each question is searched once. Its candidate sentences, with their features and
whether each holds the gold answer, are the learning data (`rag.evaluation.learning`).
Per fold, the weights and thresholds are learned without that fold's questions, and
the fold's questions are then answered by the real answer step under them: those
held-out figures are the ones to report. The model learned on all questions is
written to `app/learned/answer_policy.json`, which the settings read.

Before that, with citizen questions over the laws, it chooses how much of the statute
model's law and article priors lay questions keep (`LawModel.law_prior_share` and
`article_prior_share`, written back into `app/learned/laws_model.json`), also by
cross-validation; `lawqa learn` resets both to 1, so run `lawqa calibrate` after it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np

from app.engine import Engine
from app.learned import LAW_MODEL_COLLECTION, LAW_MODEL_PATH, POLICY_PATH, learned_law_model
from rag.answer.candidates import rank_sentences
from rag.answer.compose import PART_SHARE, STATUTE_FEATURE, AnswerPolicy, passages_read
from rag.answer.features import FEATURE_NAMES
from rag.answer.model import candidate_rows
from rag.answer.question import analyse
from rag.evaluation.learning import Learned, Outcome, Rates, Sample, learn, learn_statute_gate, rates
from rag.evaluation.scoring import Question, first_hit, load_questions
from rag.text.normalize import fold
from rag.types import Hit

TOPIC_CONFIDENCE = 0.03  # below this, not even the topic was found: "未在资料中找到" rather than a partial answer
LAW_PRIOR_SHARES = (1.0, 0.75, 0.5, 0.25, 0.0)  # LawModel.law_prior_share candidates, the learned one first
ARTICLE_PRIOR_SHARES = (1.0, 0.5, 0.0)  # LawModel.article_prior_share candidates
PRIOR_DEPTH = 5  # the shares are chosen for recall@5 over the citizen questions, then recall@1
Shares = tuple[float, float]  # (law prior share, article prior share)


@dataclass(frozen=True)
class Trial:
    question: Question
    hits: list[Hit]
    sample: Sample
    file: str  # the question file's name, for the figures per file


def fold_of(question_id: str, folds: int) -> int:
    """A fixed, content-independent fold for each question id."""
    return int(hashlib.sha256(question_id.encode()).hexdigest(), 16) % folds


def trials(engine: Engine, files: list[Path], collections: list[str] | None, *,
           unanswerable_only: bool = False) -> list[Trial]:
    """Every question (or every one no document answers) searched once over `collections` (None: every loaded
    one, as the service does)."""
    return [_trial(engine, q, collections, path.name) for path in files for q in load_questions(path)
            if not (unanswerable_only and q.answerable)]


def _trial(engine: Engine, q: Question, collections: list[str] | None, file: str) -> Trial:
    hits = engine.search(q.question, top_k=5, collections=collections)
    question = q.question.strip()
    asked = analyse(question)
    read = passages_read(hits, asked)
    scorer = engine.scorer_for(hits)
    found = rank_sentences(question, asked, read, engine.metas, scorer, engine.places)
    rows, _ = candidate_rows(found, question, asked, read, engine.metas, scorer)
    gold = fold(q.answer)
    features = np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))
    sample = Sample(
        q.id, q.answerable, features,
        np.array([bool(gold) and gold in fold(c.sentence) for c in found.candidates], dtype=bool),
        np.array([c.focus for c in found.candidates], dtype=np.float64),
        np.array([not asked.wants_item or asked.kind == "entity" for c in found.candidates], dtype=bool),
        np.array([not asked.wants_item or (c.item is not None and not (asked.part and c.focus < PART_SHARE))
                  for c in found.candidates], dtype=bool),
    )
    return Trial(q, hits, sample, file)


@dataclass(frozen=True)
class PriorChoice:
    shares: Shares  # LawModel.law_prior_share and article_prior_share, chosen on all the citizen questions
    report: dict[str, object]  # how they were chosen, with the held-out figures


def choose_prior_shares(engine: Engine, files: list[Path], folds: int) -> PriorChoice | None:
    """The shares of the statute model's law and article priors that find the cited article best for lay
    questions, searched as the service searches (every collection); sets them on the running engine.

    Per fold, the pair with the best recall@5 (then recall@1, then the larger shares) on the other folds
    ranks the fold's questions: those held-out figures are reported."""
    laws = engine.collections.get(LAW_MODEL_COLLECTION)
    ranker = laws.retriever.ranker if laws is not None else None
    questions = [q for path in files for q in load_questions(path) if q.answerable]
    if ranker is None or not questions:
        return None
    candidates = [(law, article) for law in LAW_PRIOR_SHARES for article in ARTICLE_PRIOR_SHARES]
    rank: dict[tuple[Shares, str], int] = {}
    for shares in candidates:
        ranker.use_prior_shares(*shares)
        for q in questions:
            hits = engine.search(q.question, top_k=PRIOR_DEPTH)
            rank[shares, q.id] = first_hit(q.evidence, [h.chunk.text for h in hits]) or PRIOR_DEPTH + 1

    def recall(shares: Shares, ids: list[str]) -> tuple[float, float, Shares]:
        return (float(np.mean([rank[shares, i] <= PRIOR_DEPTH for i in ids])),
                float(np.mean([rank[shares, i] == 1 for i in ids])), shares)

    held_out: list[tuple[bool, bool]] = []
    per_fold = []
    for k in range(folds):
        train = [q.id for q in questions if fold_of(q.id, folds) != k]
        best = max(candidates, key=lambda shares: recall(shares, train))
        per_fold.append(list(best))
        held_out += [(rank[best, q.id] <= PRIOR_DEPTH, rank[best, q.id] == 1)
                     for q in questions if fold_of(q.id, folds) == k]
    everyone = [q.id for q in questions]
    chosen = max(candidates, key=lambda shares: recall(shares, everyone))
    ranker.use_prior_shares(*chosen)
    learned_at_5, learned_at_1, _ = recall((1.0, 1.0), everyone)
    return PriorChoice(chosen, {
        "law_prior_share": chosen[0], "article_prior_share": chosen[1], "per_fold": per_fold,
        "questions": len(questions), "files": [p.name for p in files],
        "cross_validated": {"recall@1": round(float(np.mean([h[1] for h in held_out])), 4),
                            f"recall@{PRIOR_DEPTH}": round(float(np.mean([h[0] for h in held_out])), 4)},
        "learned_shares": {"recall@1": round(learned_at_1, 4), f"recall@{PRIOR_DEPTH}": round(learned_at_5, 4)}})


def _save_prior_shares(choice: PriorChoice) -> None:
    model = learned_law_model()
    if model is None:
        return
    info = {key: value for key, value in model.info.items() if key != "law_prior_share"}  # the older report
    info["prior_shares"] = {**choice.report, "date": date.today().isoformat()}
    law, article = choice.shares
    replace(model, law_prior_share=law, article_prior_share=article, info=info).save(LAW_MODEL_PATH)


def policy_of(learned: Learned) -> AnswerPolicy:
    return AnswerPolicy(TOPIC_CONFIDENCE, learned.focus, learned.ranker, learned.gate, learned.threshold,
                        learned.statute_gate, learned.statute_threshold)


def learn_both(reports: list[Sample], statutes: list[Sample], max_wrong: float, statute_max_wrong: float) -> Learned:
    """The report model, then the statute gate beside it (when there are statute questions)."""
    learned = learn(reports, max_wrong)
    return learn_statute_gate(statutes, learned, statute_max_wrong, STATUTE_FEATURE) if statutes else learned


def answered(engine: Engine, trial: Trial, policy: AnswerPolicy) -> Outcome:
    """The real answer step's decision on a question, under `policy`."""
    answer = engine.compose(trial.question.question.strip(), trial.hits, engine.settings.mode, policy=policy)
    q = trial.question
    return Outcome(answer.abstained, q.answerable and not answer.abstained and fold(q.answer) in fold(answer.text))


def cross_validate(engine: Engine, found: list[Trial], statutes: list[Trial], folds: int, max_wrong: float,
                   statute_max_wrong: float) -> tuple[dict[str, Outcome], list[Learned]]:
    """Each question's held-out outcome, by question id, and each fold's model."""
    outcomes: dict[str, Outcome] = {}
    chosen = []
    for k in range(folds):
        def train(trials: list[Trial], k: int = k) -> list[Sample]:
            return [t.sample for t in trials if fold_of(t.question.id, folds) != k]

        learned = learn_both(train(found), train(statutes), max_wrong, statute_max_wrong)
        chosen.append(learned)
        for t in found + statutes:
            if fold_of(t.question.id, folds) == k:
                outcomes[t.question.id] = answered(engine, t, policy_of(learned))
    return outcomes, chosen


def held_out(trials: list[Trial], outcomes: dict[str, Outcome]) -> Rates:
    return rates([t.sample for t in trials], [outcomes[t.question.id] for t in trials])


def calibrate(engine: Engine, files: list[Path], collections: list[str] | None, *, folds: int, max_wrong: float,
              write: bool, statute_files: list[Path] | None = None, statute_max_wrong: float = 0.05,
              statute_unanswerable: list[Path] | None = None) -> dict[str, object]:
    """`statute_files` are lay questions over the laws, searched as the service searches (every collection).
    Of `statute_unanswerable`, only the questions no law answers join them: the files' answerable questions
    trained the statute model, so its answers to them are better than to new ones, but it never saw the rest."""
    # Retrieval first: the statute questions' candidates depend on how much the priors count.
    prior = choose_prior_shares(engine, statute_files, folds) if statute_files else None
    found = trials(engine, files, collections)
    statutes = trials(engine, statute_files, None) if statute_files else []
    extra = trials(engine, statute_unanswerable or [], None, unanswerable_only=True) if statutes else []
    statutes += extra
    outcomes, per_fold = cross_validate(engine, found, statutes, folds, max_wrong, statute_max_wrong)
    by_file: dict[str, list[Trial]] = {}
    for t in statutes:
        by_file.setdefault(t.file, []).append(t)
    final = learn_both([t.sample for t in found], [t.sample for t in statutes], max_wrong, statute_max_wrong)
    in_sample = rates([t.sample for t in found], [answered(engine, t, policy_of(final)) for t in found])
    report: dict[str, object] = {
        "policy": asdict(policy_of(final)),
        "features": list(FEATURE_NAMES),
        "cross_validated": asdict(held_out(found, outcomes)),
        "cross_validated_statutes": asdict(held_out(statutes, outcomes)) if statutes else None,
        "cross_validated_statutes_by_file": {name: asdict(held_out(part, outcomes))
                                             for name, part in by_file.items()},
        "statute_questions": [p.name for p in statute_files or []],
        "statute_unanswerable_questions": {"files": [p.name for p in statute_unanswerable or []],
                                           "questions": len(extra)},
        "in_sample": asdict(in_sample),
        "per_fold": [{"threshold": p.threshold, "focus": p.focus, "statute_threshold": p.statute_threshold}
                     for p in per_fold],
        "method": f"{folds}-fold cross-validation by question id over {', '.join(p.name for p in files)}; "
                  f"per fold, logistic weights over the candidate sentences of the training folds, then the "
                  f"threshold and focus floor abstaining on most unanswerable training questions with at most "
                  f"{max_wrong:.0%} wrong abstentions; a statute gate likewise on the statute questions "
                  f"(at most {statute_max_wrong:.0%}), searched over every collection; held-out figures from "
                  f"the real answer step",
        "prior_shares": prior.report if prior else None,
        "collections": collections or list(engine.collections),
        "date": date.today().isoformat(),
    }
    if write:
        POLICY_PATH.parent.mkdir(parents=True, exist_ok=True)
        POLICY_PATH.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if prior is not None:
            _save_prior_shares(prior)
    return report
