"""What lawqa learns from data, shipped with it.

`lawqa calibrate` re-learns the answer policy (answer_policy.json); `lawqa learn`
re-learns the statute search model for the laws collection (laws_model.json with
its manifest fields, laws_model_adapter.npy, and laws_model_neighbours.npy: the e5
vectors of STARD's train questions, MIT-licensed like STARD, whose gold articles
the model keeps as the neighbours' votes).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from rag.answer.compose import AnswerPolicy
from rag.answer.model import check_weights
from rag.search.lawmodel import LawModel

POLICY_PATH = Path(__file__).parent / "answer_policy.json"
LAW_MODEL_PATH = Path(__file__).parent / "laws_model.json"
LAW_MODEL_COLLECTION = "laws"  # the collection the statute model was fitted on and is applied to


@cache
def learned_policy() -> AnswerPolicy:
    """The shipped answer policy, or the built-in defaults when the file is absent or unreadable."""
    try:
        data = json.loads(POLICY_PATH.read_text(encoding="utf-8"))
        policy = data["policy"]
        ranker, gate, statute_gate = (tuple(float(w) for w in policy.get(name) or ())
                                      for name in ("ranker", "gate", "statute_gate"))
        check_weights(ranker + gate + statute_gate, data.get("features", ()))
        return AnswerPolicy(policy["confidence"], policy["focus"], ranker, gate, float(policy.get("threshold", 0.5)),
                            statute_gate, float(policy.get("statute_threshold", 0.5)))
    except (OSError, ValueError, KeyError, TypeError):
        return AnswerPolicy()


def learned_law_model(path: Path = LAW_MODEL_PATH) -> LawModel | None:
    """The shipped statute search model, or None when absent or unreadable (search then fuses as before)."""
    try:
        return LawModel.load(path)
    except (OSError, ValueError, KeyError, TypeError):
        return None
