"""What lawqa learns from data, shipped with it; `lawqa calibrate` re-learns the answer policy."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from rag.answer.compose import AnswerPolicy
from rag.answer.model import check_weights

POLICY_PATH = Path(__file__).parent / "answer_policy.json"


@cache
def learned_policy() -> AnswerPolicy:
    """The shipped answer policy, or the built-in defaults when the file is absent or unreadable."""
    try:
        data = json.loads(POLICY_PATH.read_text(encoding="utf-8"))
        policy = data["policy"]
        ranker, gate = (tuple(float(w) for w in policy.get(name, ())) for name in ("ranker", "gate"))
        check_weights(ranker + gate, data.get("features", ()))
        return AnswerPolicy(policy["confidence"], policy["focus"], ranker, gate, float(policy.get("threshold", 0.5)))
    except (OSError, ValueError, KeyError, TypeError):
        return AnswerPolicy()
