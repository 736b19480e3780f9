"""What routes depend on, as `Annotated` aliases; the objects themselves come from the lifespan."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from app.engine import Engine
from rag import texts
from rag.errors import IndexStateError
from rag.ingest.catalog import place_names
from rag.ingest.chunktable import DocumentPassages
from rag.types import Chunk

if TYPE_CHECKING:
    from app.feedback import FeedbackStore
    from app.kb import KnowledgeBase


@dataclass(frozen=True)
class _Loaded:
    engine: Engine | None = None
    passages: Mapping[str, Sequence[Chunk]] = field(default_factory=dict)
    places: tuple[str, ...] = ()


class Runtime:
    """The loaded engine and what is derived from it once; shared by the API and the UI.

    The engine and its derived tables live in one frozen snapshot that is
    replaced by a single assignment, so a request sees the old or the new
    index, never a mix, and needs no lock. Swaps (a rebuilt collection, one
    added or deleted) are serialised by `swap_lock`, since each one reads the
    current engine to make the next.
    """

    def __init__(self, engine: Engine | None = None) -> None:
        self._loaded = _Loaded()
        self.error = ""
        self.swap_lock = threading.RLock()
        self.kb: KnowledgeBase | None = None  # set by create_app: management of uploaded collections
        self.feedback: FeedbackStore | None = None  # set by create_app: 👍/👎 on answers
        if engine is not None:
            self.attach(engine)

    @property
    def engine(self) -> Engine | None:
        return self._loaded.engine

    @engine.setter
    def engine(self, engine: Engine | None) -> None:
        if engine is None:
            self._loaded = _Loaded()
        else:
            self.attach(engine)

    @property
    def passages(self) -> Mapping[str, Sequence[Chunk]]:
        """doc id -> its chunks; a large collection's chunks are parsed from disk when asked for."""
        return self._loaded.passages

    @property
    def places(self) -> tuple[str, ...]:
        return self._loaded.places

    def attach(self, engine: Engine) -> None:
        passages = DocumentPassages([loaded.retriever.chunks for loaded in engine.collections.values()],
                                    list(engine.documents))
        names = (name for doc in engine.documents.values() for name in place_names(doc.meta.place))
        self._loaded = _Loaded(engine, passages, tuple(dict.fromkeys(names)))  # the one assignment
        self.error = ""

    def require(self) -> Engine:
        engine = self.engine
        if engine is None:
            raise IndexStateError(self.error or texts.INDEX_NOT_READY)
        return engine


# async although they do no I/O: FastAPI runs a plain `def` dependency in its threadpool, a thread hop
# per request for an attribute read.
async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def get_engine(request: Request) -> Engine:
    return (await get_runtime(request)).require()


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
EngineDep = Annotated[Engine, Depends(get_engine)]
