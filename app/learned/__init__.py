"""What lawqa learns from data, shipped with it; `lawqa calibrate` re-learns the answer policy."""

from __future__ import annotations

import json
from pathlib import Path

from rag.answer.compose import AnswerPolicy

POLICY_PATH = Path(__file__).parent / "answer_policy.json"


def learned_policy() -> AnswerPolicy:
    """The shipped answer policy, or the built-in defaults when the file is absent or unreadable."""
    try:
        data = json.loads(POLICY_PATH.read_text(encoding="utf-8"))
        return AnswerPolicy(**data["policy"])
    except (OSError, ValueError, KeyError, TypeError):
        return AnswerPolicy()
