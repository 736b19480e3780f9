"""lawqa as other tools see it, over a real uvicorn: the official `openai` client and Dify's retrieval API."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import openai
import pytest

from app.engine import Engine
from app.generation import Generation
from app.llm import OpenAIChatGenerator
from app.server import create_app, serve_in_thread
from bench.standin_llm import standin_server
from tests.test_api import WAGES

KEY = "test-key"  # Dify and OpenAI clients send it as a Bearer token


@pytest.fixture(scope="module")
def base_url(seed_engine: Engine) -> Iterator[str]:
    keyed = replace(seed_engine, settings=seed_engine.settings.model_copy(update={"api_key": KEY}))
    app = create_app(engine=keyed, ui=False)
    with standin_server() as standin:
        app.state.generation = Generation(OpenAIChatGenerator(standin, "grounded", timeout=5))
        with serve_in_thread(app) as url:
            yield url


@pytest.fixture(scope="module")
def client(base_url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{base_url}/v1", api_key=KEY, max_retries=0)


def test_models_lists_lawqa(client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["lawqa", "lawqa-generate"]


def test_chat_completion_answers_with_sources_and_structured_citations(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(model="lawqa", messages=[{"role": "user", "content": WAGES}])
    content = reply.choices[0].message.content or ""
    assert "466万元" in content and "出处：\n[1]" in content and reply.choices[0].finish_reason == "stop"
    extra: dict[str, Any] = reply.model_extra or {}
    assert extra["citations"][0]["n"] == 1 and extra["lawqa"]["generation"] is None


def test_earlier_turns_feed_follow_up_rewriting(client: openai.OpenAI) -> None:
    messages: list[Any] = [
        {"role": "system", "content": "你是助手"},
        {"role": "user", "content": "鹤山的行政复议纠错率是多少？"},
        {"role": "assistant", "content": "……"},
        {"role": "user", "content": "那坦洲呢？"},
    ]
    reply = client.chat.completions.create(model="lawqa", messages=messages)
    assert (reply.model_extra or {})["lawqa"]["question"] == "坦洲的行政复议纠错率是多少？"


def test_streamed_completion_arrives_in_chunks_with_citations_last(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(model="lawqa-generate", stream=True,
                                            messages=[{"role": "user", "content": WAGES}])
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "[1]" in text and "出处：" in text and chunks[-1].choices[0].finish_reason == "stop"
    last = chunks[-1].model_extra or {}
    assert last["citations"] and last["lawqa"]["generation"]["model"] == "grounded"


def test_a_wrong_key_is_refused(base_url: str) -> None:
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=f"{base_url}/v1", api_key="wrong", max_retries=0).models.list()


def retrieval(base_url: str, body: dict[str, Any], authorization: str | None = f"Bearer {KEY}") -> httpx.Response:
    headers = {"Authorization": authorization} if authorization is not None else {}
    return httpx.post(f"{base_url}/retrieval", json=body, headers=headers, timeout=60)


DIFY_BODY = {"knowledge_id": "seeds", "query": WAGES, "retrieval_setting": {"top_k": 3, "score_threshold": 0.0}}


def test_dify_retrieval_returns_records(base_url: str) -> None:
    response = retrieval(base_url, DIFY_BODY)
    assert response.status_code == 200, response.text
    records = response.json()["records"]
    assert len(records) == 3 and "466万元" in records[0]["content"]
    assert set(records[0]) == {"content", "score", "title", "metadata"} and isinstance(records[0]["metadata"], dict)
    assert all(0.0 <= r["score"] <= 1.0 for r in records)


def test_dify_score_threshold_filters_records(base_url: str) -> None:
    scores = [r["score"] for r in retrieval(base_url, DIFY_BODY).json()["records"]]
    strict = {**DIFY_BODY, "retrieval_setting": {"top_k": 3, "score_threshold": scores[0]}}
    assert [r["score"] for r in retrieval(base_url, strict).json()["records"]] == [s for s in scores
                                                                                 if s >= scores[0]]


@pytest.mark.parametrize(("authorization", "knowledge_id", "status", "code"), [
    (None, "seeds", 403, 1001), ("Token abc", "seeds", 403, 1001), ("Bearer wrong", "seeds", 403, 1002),
    (f"Bearer {KEY}", "no-such-base", 404, 2001),
])
def test_dify_errors_use_its_documented_codes(base_url: str, authorization: str | None, knowledge_id: str,
                                              status: int, code: int) -> None:
    response = retrieval(base_url, {**DIFY_BODY, "knowledge_id": knowledge_id}, authorization)
    assert response.status_code == status and response.json()["error_code"] == code
    assert response.json()["error_msg"]


def test_dify_without_a_configured_key_refuses_everyone(seed_engine: Engine) -> None:
    with serve_in_thread(create_app(engine=seed_engine, ui=False)) as url:
        response = retrieval(url, DIFY_BODY, "Bearer anything")
    assert response.status_code == 403 and response.json()["error_code"] == 1002
