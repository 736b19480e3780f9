"""What routes depend on, as `Annotated` aliases; the objects themselves come from the lifespan."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from app.engine import Engine
from rag import texts
from rag.errors import IndexStateError
from rag.ingest.catalog import place_names
from rag.types import Chunk


@dataclass
class Runtime:
    """The loaded engine and what is derived from it once; shared by the API and the UI.

    It is only replaced as a whole by the lifespan and read by requests, so
    requests need no lock to use it.
    """

    engine: Engine | None = None
    error: str = ""
    passages: dict[str, list[Chunk]] = field(default_factory=dict)
    places: tuple[str, ...] = ()

    def attach(self, engine: Engine) -> None:
        passages: dict[str, list[Chunk]] = {doc_id: [] for doc_id in engine.documents}
        for loaded in engine.collections.values():
            for chunk in loaded.retriever.chunks:
                passages.setdefault(chunk.doc_id, []).append(chunk)
        names = (name for doc in engine.documents.values() for name in place_names(doc.meta.place))
        self.passages, self.places, self.error = passages, tuple(dict.fromkeys(names)), ""
        self.engine = engine  # last: the engine being set is what makes the runtime ready

    def require(self) -> Engine:
        if self.engine is None:
            raise IndexStateError(self.error or texts.INDEX_NOT_READY)
        return self.engine


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_engine(request: Request) -> Engine:
    return get_runtime(request).require()


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
EngineDep = Annotated[Engine, Depends(get_engine)]
