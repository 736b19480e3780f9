"""The one place where lawqa's exceptions and request validation errors become HTTP responses.

InputError -> 422, IndexStateError -> 503, DocumentError and other LawqaErrors -> 400
(see rag.errors); a body that is not JSON -> 400; a body of the wrong shape -> 422.
Every error body is {"detail": "<message for people>", "errors": [...]}.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import ui_texts
from rag.errors import DocumentError, IndexStateError, InputError, LawqaError

_STATUS: dict[type[LawqaError], int] = {InputError: 422, IndexStateError: 503, DocumentError: 400}
_FIELD_MESSAGES = {
    "missing": ui_texts.FIELD_MISSING, "extra_forbidden": ui_texts.FIELD_EXTRA,
    "int_type": ui_texts.FIELD_INT, "int_parsing": ui_texts.FIELD_INT, "int_from_float": ui_texts.FIELD_INT,
    "string_type": ui_texts.FIELD_STR, "list_type": ui_texts.FIELD_LIST, "literal_error": ui_texts.FIELD_MODE,
}
_NOT_AN_OBJECT = {"model_attributes_type", "dict_type", "model_type"}

# Shown in the OpenAPI page for every route that takes input.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "body is not JSON"},
    422: {"description": "invalid question, top_k, mode, doc_ids or span"},
    503: {"description": "index not loaded"},
}


def lawqa_status(exc: LawqaError) -> int:
    return next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 400)


async def _lawqa_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LawqaError)
    return JSONResponse({"detail": str(exc), "errors": [str(exc)]}, status_code=lawqa_status(exc))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return JSONResponse({"detail": exc.detail, "errors": [str(exc.detail)]}, status_code=exc.status_code,
                        headers=exc.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    bad_json = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if bad_json is not None:
        message = ui_texts.BAD_JSON.format(error=bad_json.get("ctx", {}).get("error", bad_json.get("msg", "")))
        return JSONResponse({"detail": message, "errors": [message]}, status_code=400)
    messages = list(dict.fromkeys(describe(e) for e in errors))
    detail = ui_texts.BAD_REQUEST.format(errors="；".join(messages))
    return JSONResponse({"detail": detail, "errors": messages}, status_code=422)


def describe(error: dict[str, Any]) -> str:
    """One pydantic error in words: which field, and what it must be."""
    field = _field(error.get("loc", ()))
    kind = str(error.get("type", ""))
    if kind in _NOT_AN_OBJECT or (kind == "missing" and field == "body"):
        return ui_texts.BODY_NOT_OBJECT
    template = _FIELD_MESSAGES.get(kind, ui_texts.FIELD_OTHER)
    return template.format(field=field, message=error.get("msg", ""))


def _field(loc: Sequence[object]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path"}:
        parts = parts[1:] or parts
    return ".".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(LawqaError, _lawqa_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
