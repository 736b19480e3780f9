"""The answer model's learning on small made-up samples: the gate, its threshold, and the statute gate."""

import numpy as np

from app.learned import learned_policy
from rag.answer.candidates import Candidate
from rag.answer.compose import STATUTE_FEATURE, AnswerPolicy, trusted
from rag.answer.evidence import Evidence
from rag.answer.features import FEATURE_NAMES
from rag.evaluation.learning import Sample, learn, learn_statute_gate

WIDTH = len(FEATURE_NAMES)
SIGNAL = FEATURE_NAMES.index("focus")


def sample(qid: str, answerable: bool, signal: float, statute: bool = False) -> Sample:
    """One candidate whose `focus` feature carries the signal; it holds the gold answer when answerable."""
    row = np.zeros((1, WIDTH))
    row[0, 0], row[0, SIGNAL], row[0, STATUTE_FEATURE] = 1.0, signal, float(statute)
    return Sample(qid, answerable, row, np.array([answerable]), np.array([1.0]), np.array([True]), np.array([True]))


def test_the_gate_abstains_where_the_signal_is_weak_within_the_wrong_abstention_budget() -> None:
    samples = [sample(f"a{i}", True, 0.6 + i / 50) for i in range(20)]
    samples += [sample(f"u{i}", False, i / 50) for i in range(10)]
    learned = learn(samples, max_wrong=0.05)
    gate = np.array(learned.gate)
    answered = [1 / (1 + np.exp(-(s.features[0] @ gate))) >= learned.threshold for s in samples]
    assert all(answered[:20]) and not any(answered[20:])


def test_statute_questions_get_a_gate_of_their_own() -> None:
    reports = [sample(f"a{i}", True, 0.6 + i / 50) for i in range(20)] + [sample(f"u{i}", False, i / 50)
                                                                         for i in range(10)]
    learned = learn(reports, max_wrong=0.05)
    # On statutes the signal is weaker for answerable questions: the report gate would refuse them.
    statutes = [sample(f"s{i}", True, 0.2 + i / 100, statute=True) for i in range(20)]
    statutes += [sample(f"n{i}", False, i / 100, statute=True) for i in range(5)]
    both = learn_statute_gate(statutes, learned, max_wrong=0.1, statute_column=STATUTE_FEATURE)
    assert both.statute_gate and both.gate == learned.gate
    policy = AnswerPolicy(0.0, 0.0, both.ranker, both.gate, both.threshold, both.statute_gate, both.statute_threshold)
    evidence = Evidence(0.0, 0.0, 0.0, 0.0)
    article = Candidate(0, 0, "第十九条 试用期最长不得超过六个月。", 1.0, 1.0, features=tuple(statutes[2].features[0]))
    report = Candidate(0, 0, "全年受理案件9宗。", 1.0, 1.0, features=tuple(reports[0].features[0]))
    assert trusted(article, evidence, policy) and trusted(report, evidence, policy)
    as_report = AnswerPolicy(0.0, 0.0, both.ranker, both.gate, both.threshold)
    assert not trusted(article, evidence, as_report)


def test_the_shipped_policy_has_both_gates() -> None:
    policy = learned_policy()
    assert len(policy.gate) == WIDTH and len(policy.statute_gate) == WIDTH
