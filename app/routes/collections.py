"""/api/collections: create and delete knowledge bases, upload, replace and delete documents, rebuild.

Reading (listing, a build's progress, an original) is open like the questions;
every change needs the admin token (LAWQA_ADMIN_TOKEN) as `Authorization:
Bearer <token>` or `X-Admin-Token`. Without a token configured, changes are
refused with a message saying how to turn management on.
"""

from __future__ import annotations

import hmac
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from app.deps import RuntimeDep
from app.kb import KnowledgeBase
from app.routes.errors import ERROR_RESPONSES
from app.schemas import ErrorBody
from rag import texts
from rag.errors import DocumentError

router = APIRouter(prefix="/api/collections", tags=["collections"], responses={
    **ERROR_RESPONSES,
    401: {"model": ErrorBody, "description": "missing or wrong admin token"},
    403: {"model": ErrorBody, "description": "management is off (no LAWQA_ADMIN_TOKEN)"},
    404: {"model": ErrorBody, "description": "unknown collection or document"},
    409: {"model": ErrorBody, "description": "the collection exists already, or a build is running"},
    413: {"model": ErrorBody, "description": "file too large"},
})


def get_kb(runtime: RuntimeDep) -> KnowledgeBase:
    if runtime.kb is None:
        raise HTTPException(503, texts.KB_DISABLED)
    return runtime.kb


def check_token(configured: str, given: str | None) -> None:
    """Raises 403 when management is off, 401 when the token is wrong; compared in constant time."""
    if not configured:
        raise HTTPException(403, texts.KB_DISABLED)
    if not given or not hmac.compare_digest(given.encode(), configured.encode()):
        raise HTTPException(401, texts.KB_BAD_TOKEN, headers={"WWW-Authenticate": "Bearer"})


def require_admin(kb: Annotated[KnowledgeBase, Depends(get_kb)],
                  authorization: Annotated[str | None, Header()] = None,
                  x_admin_token: Annotated[str | None, Header()] = None) -> KnowledgeBase:
    bearer = authorization[7:].strip() if authorization and authorization.lower().startswith("bearer ") else None
    check_token(kb.settings.admin_token, x_admin_token or bearer)
    return kb


KbDep = Annotated[KnowledgeBase, Depends(get_kb)]
AdminDep = Annotated[KnowledgeBase, Depends(require_admin)]


def _collection(kb: KnowledgeBase, name: str) -> dict[str, object]:
    rows = kb.documents(name)
    return {"name": name, "documents": [asdict(r) for r in rows], "chunks": sum(r.chunks for r in rows),
            "job": asdict(kb.job(name))}


@router.get("", summary="Collections: loaded ones and the ones managed here")
def list_collections(kb: KbDep, runtime: RuntimeDep) -> dict[str, object]:
    loaded = list(runtime.engine.collections) if runtime.engine else []
    return {"loaded": loaded, "managed": kb.managed(), "management": bool(kb.settings.admin_token)}


class NewCollection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="汉字、字母、数字、下划线或连字符，1 到 40 个", examples=["司法所通知"])


@router.post("", status_code=201, summary="Create an empty collection (admin)")
def create_collection(body: NewCollection, kb: AdminDep) -> dict[str, object]:
    kb.create(body.name)
    return _collection(kb, body.name.strip())


@router.get("/{name}", summary="A managed collection's documents, chunk counts, status and build progress")
def get_collection(name: str, kb: KbDep) -> dict[str, object]:
    return _collection(kb, name)


@router.delete("/{name}", summary="Delete a collection, its originals and its index (admin)")
def delete_collection(name: str, kb: AdminDep) -> dict[str, object]:
    kb.delete(name)
    return {"deleted": name}


@router.post("/{name}/documents", summary="Upload or replace documents, then rebuild in the background (admin)")
async def upload_documents(name: str, files: list[UploadFile], kb: AdminDep) -> dict[str, object]:
    limit = kb.settings.max_upload_mb * 1_000_000
    results = []
    for upload in files:
        data = await upload.read(limit + 1)
        try:
            kept = await run_in_threadpool(kb.upload, name, upload.filename or "", data)  # parsing is CPU work
            results.append({"file": kept, "ok": True, "message": "已上传"})
        except DocumentError as exc:  # this file is refused with its reason; the others are kept
            results.append({"file": upload.filename or "", "ok": False, "message": str(exc)})
    job = kb.rebuild(name) if any(r["ok"] for r in results) else kb.job(name)
    return {"collection": name, "files": results, "job": asdict(job)}


@router.delete("/{name}/documents/{file}", summary="Delete one document, then rebuild (admin)")
def delete_document(name: str, file: str, kb: AdminDep) -> dict[str, object]:
    kb.remove(name, file)
    return {"deleted": file, "job": asdict(kb.rebuild(name))}


@router.get("/{name}/documents/{file}", summary="Download a document's original file")
def download_document(name: str, file: str, kb: KbDep) -> FileResponse:
    return FileResponse(kb.original(name, file), filename=file)


@router.post("/{name}/reindex", status_code=202, summary="Rebuild a collection's index in the background (admin)")
def reindex(name: str, kb: AdminDep) -> dict[str, object]:
    return asdict(kb.rebuild(name))


@router.get("/{name}/job", summary="The progress of a collection's build")
def job(name: str, kb: KbDep) -> dict[str, object]:
    kb.require_managed(name)
    return asdict(kb.job(name))
