"""/docs with Swagger UI 5 served from app/static (see swagger-ui.SOURCE.md), so it works with no CDN in reach.

Swagger UI 5 is needed because FastAPI serves OpenAPI 3.1, which Swagger UI 4 cannot render.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

ASSETS = "/docs-assets"
STATIC = Path(__file__).resolve().parent.parent / "static"
_FILES = {"swagger-ui-bundle.js": "swagger-ui-bundle.js", "swagger-ui.css": "swagger-ui.css",
          "favicon-32x32.png": "swagger-favicon-32x32.png"}


def install_docs(app: FastAPI) -> None:
    """Call before the chat is mounted at /, which would otherwise answer these paths."""

    @app.get(f"{ASSETS}/{{name}}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        if name not in _FILES:  # only the three vendored files, never a path into the tree
            raise HTTPException(404)
        return FileResponse(STATIC / _FILES[name])

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js", swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )
