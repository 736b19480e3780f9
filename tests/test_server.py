"""The whole app (API and chat page) behind a real uvicorn on a loopback port, and `serve`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.engine import Engine
from app.routes.pages import render_document
from app.server import create_app, serve, serve_in_thread
from app.ui import highlight, plain, render_reply
from rag.errors import IndexStateError
from rag.types import Answer, DocMeta, Document
from tests.conftest import DEV


@pytest.fixture(scope="module")
def base_url(seed_engine: Engine) -> Iterator[str]:
    with serve_in_thread(create_app(engine=seed_engine)) as url:
        yield url


@pytest.fixture(scope="module")
def http(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=60) as client:
        yield client


def dev_questions(count: int) -> list[str]:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row["question"] for row in rows[:count]]


def test_the_server_answers_over_http(http: httpx.Client) -> None:
    assert http.get("/healthz").json()["status"] == "ready"
    result = http.post("/api/answer", json={"question": dev_questions(1)[0]}).json()
    assert "466万元" in result["answer"] and result["citations"][0]["n"] == 1


def test_the_chat_page_and_the_docs_share_the_server(http: httpx.Client) -> None:
    page = http.get("/")
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert "swagger-ui-bundle.js" in http.get("/docs").text  # rendering is checked in the browser test
    assert http.get("/openapi.json").json()["info"]["title"] == "lawqa"


def test_the_document_page_marks_the_cited_passage(http: httpx.Client) -> None:
    citation = http.post("/api/answer", json={"question": dev_questions(1)[0]}).json()["citations"][0]
    page = http.get(f"/doc/{citation['doc_id']}", params={"start": citation["start"], "end": citation["end"]})
    assert page.status_code == 200 and '<mark id="cited"' in page.text
    assert "466万元" in page.text.split('<mark id="cited"')[1].split("</mark>")[0]


@pytest.mark.parametrize(
    ("raw", "status"),
    [(b"{not json", 400), (b'{"question": "   "}', 422), (b'{"question": "x", "top_k": 500}', 422),
     (b'{"question": "x", "mode": "fuzzy"}', 422), (b"[]", 422)],
)
def test_validation_over_http_is_never_a_500(http: httpx.Client, raw: bytes, status: int) -> None:
    response = http.post("/api/answer", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == status and response.json()["detail"]


def test_32_concurrent_requests_are_all_answered_correctly(http: httpx.Client) -> None:
    questions = dev_questions(16)
    expected = {q: _answer_key(http.post("/api/answer", json={"question": q}).json()) for q in questions}
    searched = {q: _hit_key(http.post("/api/search", json={"query": q}).json()) for q in questions}
    jobs = [("answer", q) for q in questions] + [("search", q) for q in questions]

    def call(job: tuple[str, str]) -> tuple[str, str, int, Any]:
        kind, question = job
        body = {"question": question} if kind == "answer" else {"query": question}
        response = http.post(f"/api/{kind}", json=body)
        return kind, question, response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(call, jobs))
    assert all(status == 200 for _, _, status, _ in results)
    for kind, question, _, body in results:
        if kind == "answer":
            assert _answer_key(body) == expected[question]
        else:
            assert _hit_key(body) == searched[question]


def _answer_key(body: dict[str, Any]) -> tuple[object, ...]:
    return body["question"], body["answer"], tuple((c["doc_id"], c["start"]) for c in body["citations"])


def _hit_key(body: dict[str, Any]) -> tuple[object, ...]:
    return tuple((h["doc_id"], h["start"], h["score"]) for h in body["hits"])


def test_serve_without_an_index_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(IndexStateError, match="lawqa index"):
        serve(Settings(home=tmp_path), port=0)


def test_the_full_app_with_the_chat_works_under_the_test_client(seed_engine: Engine) -> None:
    app = create_app(engine=seed_engine)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        assert app.state.chat.wait(timeout=120)  # the chat is built after the index, in the background
        assert client.get("/").status_code == 200 and client.get("/healthz").json()["chat"] == "ready"


# What the page renders is escaped: document text and questions cannot inject markup.

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>${x}{{y}}'


def test_passages_are_escaped_and_the_quote_is_marked() -> None:
    rendered = highlight(f"前文。{EVIL}。后文。", (f"{EVIL}。",))
    assert "<script" not in rendered and "<img" not in rendered and "${" not in rendered and "{{" not in rendered
    assert rendered.startswith("前文。<mark class=\"lq-quote\">&lt;script&gt;") and rendered.endswith("</mark>后文。")


def test_overlapping_quotes_share_one_mark() -> None:
    assert highlight("甲乙丙丁", ("甲乙", "乙丙", "不在")) == '<mark class="lq-quote">甲乙丙</mark>丁'


def test_chat_replies_are_plain_text() -> None:
    """Markdown rendering is off: the reply is the text people read, copy and hear, markup included as text."""
    answer = Answer("q", f"{EVIL}[1]", False, (), "hybrid", 1.0)
    reply = render_reply(answer, "那坦洲呢<img>", "坦洲<img>")
    assert reply.startswith(f"{EVIL}[1]") and "\\" not in reply and "<strong>" not in reply
    assert plain("鹤山\ud83d") == "鹤山\ufffd"


def test_the_document_page_is_escaped() -> None:
    document = Document("d", "d.txt", f"开头{EVIL}结尾", DocMeta(title=EVIL, place="<b>某地</b>"))
    page = render_document(document, (2, 2 + len(EVIL)))
    assert "<script" not in page and "<img" not in page and "<b>某地" not in page
    assert '<mark id="cited"' in page


def test_the_chat_searches_the_collections_ticked_in_its_settings(seed_engine: Engine) -> None:
    from app.deps import Runtime
    from app.ui import make_ask

    runtime = Runtime()
    runtime.attach(seed_engine)
    ask = make_ask(runtime)
    history, *_ = ask("鹤山通过欠薪案件执行联动机制，帮农民工讨回了多少工钱？", [], "", 5, "hybrid", ["seeds"])
    assert "466万元" in history[-1]["content"]
    history, *_ = ask("鹤山的行政复议纠错率是多少？", [], "", 5, "hybrid", ["浙江"])
    assert "未知的资料库" in history[-1]["content"]


# Hardening over a real socket: bad text keeps the connection, methods, Gradio's own endpoints.


def test_a_lone_surrogate_is_a_422_and_the_connection_stays_usable(http: httpx.Client) -> None:
    raw = b'{"question": "\\u9e64\\u5c71\\ud83d"}'
    for _ in range(2):  # the same keep-alive connection, twice, then a normal question on it
        response = http.post("/api/answer", content=raw, headers={"content-type": "application/json"})
        assert response.status_code == 422 and "无法识别的字符" in response.json()["detail"]
    assert http.post("/api/answer", json={"question": dev_questions(1)[0]}).status_code == 200


@pytest.mark.parametrize(("method", "path"), [("GET", "/api/answer"), ("DELETE", "/api/search"),
                                              ("POST", "/healthz"), ("PUT", "/api/documents")])
def test_a_method_a_path_does_not_take_is_a_405(http: httpx.Client, method: str, path: str) -> None:
    response = http.request(method, path)
    assert response.status_code == 405 and response.json()["detail"] == "该地址不支持此请求方法。"
    assert response.headers["allow"]


def test_uploads_to_the_chat_need_the_admin_token(http: httpx.Client) -> None:
    response = http.post("/gradio_api/upload", files={"files": ("a.txt", b"x" * 1024)})
    assert response.status_code == 403 and "管理员令牌" in response.json()["detail"]


def test_an_unknown_gradio_function_is_a_422(http: httpx.Client) -> None:
    body = {"data": [], "fn_index": 999, "session_hash": "s", "event_data": None, "trigger_id": 1}
    response = http.post("/gradio_api/queue/join", json=body)
    assert response.status_code == 422 and "刷新页面" in response.json()["detail"]


def test_gradio_calls_the_page_does_not_make_are_refused_in_chinese(http: httpx.Client) -> None:
    info = http.get("/config").json()  # the page's own description of its functions
    queued = next(d["id"] for d in info["dependencies"] if d["queue"] is not False and d["backend_fn"])
    direct = [d for d in info["dependencies"] if d["queue"] is False and d["backend_fn"]]
    takes = next(d for d in direct if d["inputs"])
    calls = [("/gradio_api/run/predict", {"data": [], "fn_index": 999}, 422),  # no such function
             ("/gradio_api/run/predict", {"data": [None] * 8, "fn_index": queued}, 422),  # the page queues it
             ("/gradio_api/api/predict", {"data": []}, 422),  # no function named
             ("/gradio_api/run/predict", {"data": [], "fn_index": takes["id"]}, 422),  # its inputs missing
             ("/gradio_api/run/predict", {"data": [[]] * len(takes["inputs"]), "fn_index": takes["id"]}, 422),
             ("/gradio_api/run/ask", {"data": []}, 404), ("/gradio_api/call/v2/ask", {}, 404)]
    for path, body, status in calls:
        response = http.post(path, json={**body, "session_hash": "s"})
        assert response.status_code == status and "刷新页面" in response.json()["detail"], (path, body)
    clear = next(d for d in direct if not d["inputs"])  # the page's 清空对话
    assert http.post("/gradio_api/run/predict", json={"data": [], "fn_index": clear["id"],
                                                      "session_hash": "s"}).status_code == 200


def test_uploads_with_the_token_are_limited_in_size() -> None:
    from starlette.applications import Starlette
    from starlette.testclient import TestClient as StarletteClient

    from app.gradio_guard import GradioGuard

    guarded = GradioGuard(Starlette(), functions={}, upload_limit=1 << 20, admin_token="s3cret")
    client = StarletteClient(guarded)
    big = client.post("/gradio_api/upload", files={"files": ("a.txt", b"x" * (2 << 20))},
                      headers={"authorization": "Bearer s3cret"})
    assert big.status_code == 413 and "上限 1 MB" in big.json()["detail"]
    tiny = {"files": ("a.txt", b"x")}
    wrong = client.post("/gradio_api/upload", files=tiny, headers={"cookie": "lawqa_admin=nope"})
    assert wrong.status_code == 403
    allowed = client.post("/gradio_api/upload", files=tiny, headers={"cookie": "lawqa_admin=s3cret"})
    assert allowed.status_code == 404  # passed through to the (empty) app behind the guard
