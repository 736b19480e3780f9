"""GET /healthz: ready (200) only once the lifespan has loaded the index."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Response

from app.deps import RuntimeDep
from app.schemas import Health
from rag import texts

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Readiness and the loaded index's manifest",
            responses={503: {"model": Health, "description": "index not loaded"}})
def healthz(runtime: RuntimeDep, response: Response) -> Health:
    if runtime.engine is None:
        response.status_code = 503
        return Health(status="unavailable", detail=runtime.error or texts.INDEX_NOT_READY)
    engine = runtime.engine
    collections = {name: asdict(loaded.manifest) for name, loaded in engine.collections.items()}
    return Health(status="ready", manifest=asdict(engine.manifest), collections=collections)
