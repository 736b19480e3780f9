"""The HTTP routes: the JSON API under /api, /healthz, and the document page under /doc."""

from __future__ import annotations

from fastapi import APIRouter

from app.routes import api, collections, dify, documents, feedback, health, openai_compat, pages, streaming
from app.routes.errors import install_error_handlers

__all__ = ["install_error_handlers", "router"]

router = APIRouter()
router.include_router(health.router)
router.include_router(api.router)
router.include_router(documents.router)
router.include_router(pages.router)
router.include_router(collections.router)
router.include_router(feedback.router)
router.include_router(streaming.router)
router.include_router(openai_compat.router)
router.include_router(dify.router)
