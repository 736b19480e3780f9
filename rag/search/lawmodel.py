"""What is learned for statute search, as data: priors, query adapter, expansion, reranker weights.

`lawqa learn` fits it on STARD's train split (non-lawyers' questions with the
articles a lawyer judged relevant) and writes it as two files: a JSON manifest
(format, version, encoder, what it was fitted on, cross-validated figures, and
the small tables) and an `.npy` with the query adapter matrix. Laws and articles
are keyed by `article_key` ("民法典第五十四条"), so the model carries over to any
statute collection that labels its chunks the product's way.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from rag.text.numerals import ARTICLE_REF

FORMAT = 1
FloatArray = npt.NDArray[np.float32]
_NAME = re.compile(rf"^(.*?)({ARTICLE_REF})$")
_SPACE = re.compile(r"\s+")
_PREFIX = "中华人民共和国"


def article_key(name: str) -> str:
    """"中华人民共和国民法典第五十四条" and the label "民法典 第五十四条" -> "民法典第五十四条"."""
    compact = _SPACE.sub("", name)
    return compact[len(_PREFIX):] if compact.startswith(_PREFIX) and len(compact) > len(_PREFIX) else compact


def law_key(name: str) -> str:
    """The law part of an article key: "民法典第五十四条" -> "民法典"."""
    key = article_key(name)
    match = _NAME.match(key)
    return match.group(1) if match else key


@dataclass(frozen=True)
class Ranker:
    """A linear scorer over standardised features; `names` fixes their order."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]

    def score(self, features: FloatArray) -> FloatArray:
        standard = (features - np.asarray(self.mean, np.float32)) / np.asarray(self.scale, np.float32)
        scores: FloatArray = (standard @ np.asarray(self.weights, np.float32)).astype(np.float32)
        return scores


@dataclass(frozen=True)
class LawModel:
    version: str  # changes whenever the model is re-learned
    encoder: str  # the adapter only fits the vectors of this encoder
    ranker: Ranker
    law_counts: dict[str, float]  # law key -> how many train questions cite it
    article_counts: dict[str, float]  # article key -> how many train questions cite it
    expansion: dict[str, list[tuple[str, float]]]  # question term -> passage terms, p(term | question term)
    expansion_weight: float
    candidates: int  # taken from each of the four rankings before reranking
    adapter: FloatArray | None = None
    info: dict[str, Any] = field(default_factory=dict)  # what it was fitted on, cross-validated figures
    # How much of the law prior's spread lay questions keep (1: as learned on STARD, 0: none). STARD's
    # questions cite 民法典 in almost half the cases; a desk's questions spread over many more laws, so
    # `lawqa calibrate` chooses this share by cross-validation on citizen questions.
    law_prior_share: float = 1.0

    def save(self, path: Path) -> None:
        """Write `path` (JSON) and, beside it, the adapter `.npy`; each through a temp file."""
        body = asdict(self)
        body.pop("adapter")
        body["format"] = FORMAT
        body["adapter_file"] = _adapter_path(path).name if self.adapter is not None else ""
        if self.adapter is not None:
            tmp = _adapter_path(path).with_suffix(".tmp.npy")
            np.save(tmp, self.adapter.astype(np.float32))
            tmp.replace(_adapter_path(path))
        text = json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True)
        path.with_suffix(".tmp").write_text(text + "\n", encoding="utf-8")
        path.with_suffix(".tmp").replace(path)

    @classmethod
    def load(cls, path: Path) -> LawModel:
        """Raises ValueError (or OSError) for a file that is not a model of this format."""
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.pop("format", None) != FORMAT:
            raise ValueError(f"{path}: not a statute model of format {FORMAT}; run 'lawqa learn'")
        adapter_file = body.pop("adapter_file", "")
        adapter = np.load(path.parent / adapter_file).astype(np.float32) if adapter_file else None
        ranker = Ranker(**{k: tuple(v) for k, v in body.pop("ranker").items()})
        expansion = {t: [(o, float(s)) for o, s in pairs] for t, pairs in body.pop("expansion").items()}
        return cls(ranker=ranker, expansion=expansion, adapter=adapter, **body)


def _adapter_path(path: Path) -> Path:
    return path.with_name(path.stem + "_adapter.npy")
