"""Generation against a STAND-IN chat endpoint (a real HTTP server on 127.0.0.1; no instruct model runs here).

Every planted fault must be caught or fall back to the extractive answer, and
grounded replies must pass untouched: through the pipeline, the JSON API, the
SSE stream and `lawqa ask --generate --json`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.engine import Engine
from app.generation import Generation, coverage_for
from app.llm import OpenAIChatGenerator
from app.server import create_app
from bench.generation import PLANTED, planted
from bench.standin_llm import standin_server
from rag import texts
from rag.answer.generate import generate, generate_stream
from rag.types import Answer
from tests.test_api import WAGES
from tests.test_cli import lawqa

UNANSWERABLE = "劳动合同的试用期最长可以约定多久？"


@pytest.fixture(scope="module")
def standin() -> Iterator[str]:
    with standin_server(delay=3.0) as url:
        yield url


@pytest.fixture(scope="module")
def wages(seed_engine: Engine) -> Answer:
    return seed_engine.answer(WAGES)


def generator(url: str, script: str) -> OpenAIChatGenerator:
    return OpenAIChatGenerator(url, script, timeout=1.0)


def test_a_grounded_reply_passes_untouched(seed_engine: Engine, wages: Answer, standin: str) -> None:
    answer, report = generate(wages, generator(standin, "grounded"), coverage_for(seed_engine, wages))
    assert not report.fallback and not report.removed and report.model == "grounded"
    assert answer.text != wages.text and "[1]" in answer.text and "[2]" in answer.text
    for citation in answer.citations[:2]:
        assert citation.quote and all(q in citation.hit.chunk.text for q in citation.quote)


@pytest.mark.parametrize(("script", "reason"), [
    ("wrong-number", "在所引资料中找不到"), ("cite-nine", "不存在的出处 [9]"),
])
def test_a_wrong_figure_or_citation_is_removed(seed_engine: Engine, wages: Answer, standin: str,
                                               script: str, reason: str) -> None:
    answer, report = generate(wages, generator(standin, script), coverage_for(seed_engine, wages))
    assert report.removed and reason in report.removed[0].reason
    assert report.fallback and answer.text == wages.text  # nothing survived: the extractive answer


@pytest.mark.parametrize("instruction", PLANTED)
def test_an_instruction_planted_in_a_document_is_not_obeyed(seed_engine: Engine, wages: Answer, standin: str,
                                                            instruction: str) -> None:
    poisoned = planted(wages, instruction)
    answer, report = generate(poisoned, generator(standin, "injected"), coverage_for(seed_engine, poisoned))
    obeyed = instruction.split("回答：")[1].rstrip("。")
    assert report.removed and obeyed in report.removed[0].sentence
    assert obeyed not in answer.text and report.fallback


@pytest.mark.parametrize(("script", "note"), [
    ("slow", "超过 1 秒未响应"), ("error", "返回错误 500"), ("malformed", "格式无法识别"),
])
def test_a_slow_or_broken_endpoint_falls_back_with_a_note(seed_engine: Engine, wages: Answer, standin: str,
                                                          script: str, note: str) -> None:
    answer, report = generate(wages, generator(standin, script), coverage_for(seed_engine, wages))
    assert report.fallback and note in report.note and answer == wages


def test_weak_retrieval_abstains_before_any_generation(seed_engine: Engine, standin: str) -> None:
    abstained = seed_engine.answer(UNANSWERABLE)
    answer, report = generate(abstained, generator(standin, "error"), coverage_for(seed_engine, abstained))
    assert answer.abstained and report.note == texts.GENERATION_SKIPPED  # the endpoint was never asked


def test_streaming_verifies_each_sentence_and_ends_with_the_answer(seed_engine: Engine, wages: Answer,
                                                                  standin: str) -> None:
    events = list(generate_stream(wages, generator(standin, "grounded"), coverage_for(seed_engine, wages)))
    sentences = [e.text for e in events if e.kind == "sentence"]
    assert len(sentences) == 2 and events[-1].kind == "done" and events[-1].answer is not None
    assert "".join(sentences) == events[-1].answer.text


@pytest.fixture(scope="module")
def client(seed_engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine=seed_engine, ui=False)) as test_client:
        yield test_client


def post(client: TestClient, generation: Generation, **body: Any) -> dict[str, Any]:
    client.app.state.generation = generation  # type: ignore[attr-defined]
    response = client.post("/api/answer", json={"question": WAGES, **body})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_the_api_generates_only_when_asked(client: TestClient, standin: str) -> None:
    on = Generation(generator(standin, "grounded"))
    assert post(client, on)["generation"] is None
    generated = post(client, on, generate=True)
    assert generated["generation"] == {"model": "grounded", "removed": [], "fallback": False, "note": ""}
    assert post(client, Generation(generator(standin, "grounded"), default_on=True))["generation"]["model"]


def test_the_api_says_why_when_no_endpoint_is_configured(client: TestClient) -> None:
    result = post(client, Generation(), generate=True)
    assert result["generation"]["fallback"] and result["generation"]["note"] == texts.GENERATION_UNAVAILABLE
    assert "466万元" in result["answer"]


def test_the_api_lists_removed_sentences(client: TestClient, standin: str) -> None:
    result = post(client, Generation(generator(standin, "cite-nine")), generate=True)
    removed = result["generation"]["removed"]
    assert removed and "[9]" in removed[0]["sentence"] and result["generation"]["fallback"]


def sse_events(client: TestClient, **body: Any) -> list[tuple[str, dict[str, Any]]]:
    response = client.post("/api/answer/stream", json={"question": WAGES, **body})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    events = []
    for block in response.text.strip().split("\n\n"):
        kind, data = block.split("\n", 1)
        events.append((kind.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    return events


def test_the_sse_stream_sends_verified_sentences_then_the_answer(client: TestClient, standin: str) -> None:
    client.app.state.generation = Generation(generator(standin, "grounded"))  # type: ignore[attr-defined]
    events = sse_events(client, generate=True)
    assert [kind for kind, _ in events] == ["sentence", "sentence", "done"]
    assert events[-1][1]["answer"] == events[0][1]["text"] + events[1][1]["text"]


def test_the_sse_stream_falls_back_on_a_timeout(client: TestClient, standin: str) -> None:
    client.app.state.generation = Generation(generator(standin, "slow"))  # type: ignore[attr-defined]
    (kind, done), = sse_events(client, generate=True)
    assert kind == "done" and done["generation"]["fallback"] and "466万元" in done["answer"]


def test_the_sse_stream_without_generation_sends_the_extractive_answer(client: TestClient) -> None:
    client.app.state.generation = Generation()  # type: ignore[attr-defined]
    events = sse_events(client)
    assert [kind for kind, _ in events] == ["sentence", "done"] and events[-1][1]["generation"] is None


def test_a_bad_stream_request_is_a_plain_422(client: TestClient) -> None:
    assert client.post("/api/answer/stream", json={"question": ""}).status_code == 422
    assert client.post("/api/answer", json={"question": WAGES, "generate": "yes"}).status_code == 422


def test_cli_ask_generate_json_prints_the_api_object(seed_engine: Engine, seed_settings: Settings,
                                                    standin: str, client: TestClient) -> None:
    env = {"LAWQA_LLM_BASE_URL": standin, "LAWQA_LLM_MODEL": "grounded", "LAWQA_LLM_TIMEOUT": "5"}
    result = lawqa("ask", WAGES, "--generate", "--json", home=seed_settings.home, env=env)
    printed = json.loads(result.stdout)
    api = post(client, Generation(generator(standin, "grounded")), generate=True)
    assert printed.keys() == api.keys() and printed["generation"] == api["generation"]
    assert printed["answer"] == api["answer"]


def test_the_chat_switch_streams_verified_sentences_then_the_final_reply(seed_engine: Engine, standin: str) -> None:
    from app.deps import Runtime
    from app.ui_generate import make_ask_stream

    runtime = Runtime()
    runtime.attach(seed_engine)
    ask = make_ask_stream(runtime, Generation(generator(standin, "grounded")))
    updates = list(ask(WAGES, [], "", 5, "hybrid", None, True))
    assert len(updates) == 3  # two verified sentences as they pass, then the final reply
    partial, final = updates[0][0][-1]["content"], updates[-1][0][-1]["content"]
    assert texts.GENERATING in partial and texts.GENERATING not in final and "[2]" in final
    off = list(ask(WAGES, [], "", 5, "hybrid", None, False))
    assert len(off) == 1 and "466万元" in off[0][0][-1]["content"]


def test_the_chat_switch_without_an_endpoint_says_why(seed_engine: Engine) -> None:
    from app.deps import Runtime
    from app.ui_generate import make_ask_stream

    runtime = Runtime()
    runtime.attach(seed_engine)
    history = list(make_ask_stream(runtime, Generation())(WAGES, [], "", 5, "hybrid", None, True))[-1][0]
    assert "466万元" in history[-1]["content"] and "LAWQA_LLM_BASE_URL" in history[-1]["content"]
