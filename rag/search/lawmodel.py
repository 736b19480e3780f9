"""What is learned for statute search, as data: priors, query adapter, expansion, reranker weights.

`lawqa learn` fits it on STARD's train split (non-lawyers' questions with the
articles a lawyer judged relevant) and writes it as three files: a JSON manifest
(format, version, encoder, what it was fitted on, cross-validated figures, and
the small tables), an `.npy` with the query adapter matrix and one with the
train questions' vectors (the neighbours). Laws and articles
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
ARRAYS = {"adapter": "adapter", "neighbour_vectors": "neighbours"}  # field -> file suffix, beside the JSON
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
    """A scorer over standardised features; `names` fixes their order. Linear, plus, when `hidden` is set, one
    layer of tanh units: a feature can then count differently with others ("many neighbours agree" weighs
    more for a question near its neighbours), which a single weight per feature cannot say."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    hidden: tuple[tuple[float, ...], ...] = ()  # per feature, its weight into each unit
    hidden_bias: tuple[float, ...] = ()
    output: tuple[float, ...] = ()  # per unit, its weight in the score

    def score(self, features: FloatArray) -> FloatArray:
        standard = (features - np.asarray(self.mean, np.float32)) / np.asarray(self.scale, np.float32)
        scores = standard @ np.asarray(self.weights, np.float32)
        if self.hidden:
            units = np.tanh(standard @ np.asarray(self.hidden, np.float32) + np.asarray(self.hidden_bias, np.float32))
            scores = scores + units @ np.asarray(self.output, np.float32)
        result: FloatArray = scores.astype(np.float32)
        return result

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Ranker:
        def floats(key: str) -> tuple[float, ...]:
            return tuple(map(float, body.get(key, ())))

        return cls(tuple(body["names"]), floats("mean"), floats("scale"), floats("weights"),
                   tuple(tuple(map(float, row)) for row in body.get("hidden", ())), floats("hidden_bias"),
                   floats("output"))


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
    # The same for the article prior: STARD's lawyers cite a few articles of 民法典 and 劳动合同法 over and over,
    # and lay questions about laws they seldom cite lost to those articles.
    article_prior_share: float = 1.0
    # From this cosine to its nearest train question on, a question is asked like the train questions and
    # keeps the article prior as learned (rerank.like_train_cosine); None: no question does. Computed by
    # `lawqa learn`, so the service does no 1,300 x 1,300 product at start.
    like_train_cosine: float | None = None
    # The everyday words the expansion was learned with (rag/search/colloquial.tsv), as phrases: the answer step
    # counts 周末 as found in an article that says 休息日. Kept here, so the service reads nothing but the model
    # and an edit of the table takes effect when the model is re-learned, for search and answer alike.
    everyday_words: dict[str, list[str]] = field(default_factory=dict)
    # Earlier questions as neighbours: a question close to a train question is often answered by the
    # articles its lawyer cited. The train questions' vectors (this encoder's) and their gold article keys;
    # per question the `neighbour_count` nearest vote, weighted by exp((cosine - best) / temperature).
    neighbour_vectors: FloatArray | None = None
    neighbour_articles: list[list[str]] = field(default_factory=list)
    neighbour_count: int = 20
    neighbour_temperature: float = 0.05

    def save(self, path: Path) -> None:
        """Write `path` (JSON) and, beside it, the adapter `.npy`; each through a temp file."""
        body = asdict(self)
        body["format"] = FORMAT
        for name in ARRAYS:
            array = body.pop(name)
            body[f"{name}_file"] = _array_path(path, name).name if array is not None else ""
            if array is not None:
                tmp = _array_path(path, name).with_suffix(".tmp.npy")
                np.save(tmp, array.astype(np.float32))
                tmp.replace(_array_path(path, name))
        text = json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True)
        path.with_suffix(".tmp").write_text(text + "\n", encoding="utf-8")
        path.with_suffix(".tmp").replace(path)

    @classmethod
    def load(cls, path: Path) -> LawModel:
        """Raises ValueError (or OSError) for a file that is not a model of this format."""
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.pop("format", None) != FORMAT:
            raise ValueError(f"{path}: not a statute model of format {FORMAT}; run 'lawqa learn'")
        arrays: dict[str, Any] = {}
        for name in ARRAYS:
            file = body.pop(f"{name}_file", "")
            arrays[name] = np.load(path.parent / file).astype(np.float32) if file else None
        ranker = Ranker.from_json(body.pop("ranker"))
        expansion = {t: [(o, float(s)) for o, s in pairs] for t, pairs in body.pop("expansion").items()}
        return cls(ranker=ranker, expansion=expansion, **arrays, **body)


def _array_path(path: Path, name: str) -> Path:
    return path.with_name(f"{path.stem}_{ARRAYS[name]}.npy")
