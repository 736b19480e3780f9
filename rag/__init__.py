"""lawqa's pure core: cleaning, chunking, keyword search, fusion, answers, evaluation.

Nothing here imports a model, a vector library or a web framework; those come
in through the protocols in `rag.protocols`.
"""

from rag.answer.compose import AnswerOptions, AnswerPolicy, compose_answer
from rag.errors import DocumentError, IndexStateError, InputError, LawqaError
from rag.evaluation.scoring import load_questions, metrics, run_question
from rag.search.retriever import FusionWeights, Retriever
from rag.text.normalize import fold, normalise
from rag.types import SEARCH_MODES, Answer, Chunk, Citation, DocMeta, Document, Hit, SearchMode

__all__ = [
    "SEARCH_MODES",
    "Answer",
    "AnswerOptions",
    "AnswerPolicy",
    "Chunk",
    "Citation",
    "DocMeta",
    "Document",
    "DocumentError",
    "FusionWeights",
    "Hit",
    "IndexStateError",
    "InputError",
    "LawqaError",
    "Retriever",
    "SearchMode",
    "compose_answer",
    "fold",
    "load_questions",
    "metrics",
    "normalise",
    "run_question",
]
