"""The HTTP API contract through the ASGI TestClient, on the real seed index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app import ui_texts
from app.config import Settings
from app.engine import Engine
from app.server import create_app
from rag import texts

WAGES = "鹤山通过欠薪案件执行联动机制，帮农民工讨回了多少工钱？"
CITATION_KEYS = {"n", "doc_id", "title", "section", "text", "start", "end", "score", "source", "quote"}
HIT_KEYS = {"rank", "score", "doc_id", "title", "section", "text", "start", "end", "source"}


@pytest.fixture(scope="module")
def client(seed_engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine=seed_engine, ui=False)) as test_client:
        yield test_client


def answer(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/answer", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_answer_quotes_the_source_with_numbered_citations(client: TestClient) -> None:
    result = answer(client, question=WAGES)
    assert {"question", "answer", "abstained", "citations", "mode", "timings_ms"} <= result.keys()
    assert result["question"] == WAGES and not result["abstained"] and result["mode"] == "hybrid"
    assert "466万元" in result["answer"] and "[1]" in result["answer"]
    first = result["citations"][0]
    assert first.keys() >= CITATION_KEYS and first["n"] == 1
    assert any("466万元" in sentence for sentence in first["quote"]) and first["quote"][0] in first["text"]
    assert [c["n"] for c in result["citations"]] == list(range(1, len(result["citations"]) + 1))
    assert set(result["timings_ms"]) >= {"search", "answer"}


def test_answer_honours_top_k_mode_and_doc_ids(client: TestClient) -> None:
    doc_id = "002_b47a481025290089"
    result = answer(client, question="坦洲镇在全市镇街中排第几名？", top_k=2, mode="lexical", doc_ids=[doc_id])
    assert result["mode"] == "lexical" and len(result["citations"]) == 2
    assert {c["doc_id"] for c in result["citations"]} == {doc_id}


def test_an_unanswerable_question_abstains_with_the_not_found_message(client: TestClient) -> None:
    result = answer(client, question="劳动合同的试用期最长可以约定多久？")
    assert result["abstained"] and result["answer"] == texts.NOT_FOUND


def test_search_ranks_passages(client: TestClient) -> None:
    response = client.post("/api/search", json={"query": " 行政复议纠错率 ", "top_k": 3, "mode": "dense"})
    assert response.status_code == 200
    result = response.json()
    assert result["query"] == "行政复议纠错率" and result["mode"] == "dense"
    timings = result["timings_ms"]
    assert 0 <= timings["encode"] <= timings["search"]  # the question's vector is part of the search
    assert [hit["rank"] for hit in result["hits"]] == [1, 2, 3]
    assert all(hit.keys() >= HIT_KEYS for hit in result["hits"])
    scores = [hit["score"] for hit in result["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_search_defaults_to_ten_hits(client: TestClient) -> None:
    assert len(client.post("/api/search", json={"query": "法律援助"}).json()["hits"]) == 10


def test_documents_catalog(client: TestClient, seed_engine: Engine) -> None:
    result = client.get("/api/documents").json()
    assert result["count"] == 5 == len(result["documents"])
    row = next(d for d in result["documents"] if d["doc_id"] == "004_15d93f3a6553327b")
    assert row["place"] == "江苏省南通市海门区" and row["date"] == "2021-05-20" and row["chunks"] > 0
    assert sum(d["chunks"] for d in result["documents"]) == seed_engine.manifest.chunk_count


def test_a_citation_span_maps_to_the_clean_text_exactly(client: TestClient) -> None:
    citation = answer(client, question=WAGES)["citations"][0]
    response = client.get(f"/api/documents/{citation['doc_id']}",
                          params={"start": citation["start"], "end": citation["end"]})
    assert response.status_code == 200
    document = response.json()
    span = document["span"]
    assert span["exact"] and (span["start"], span["end"]) == (citation["start"], citation["end"])
    assert document["text"][span["clean_start"]:span["clean_end"]] == citation["text"]


def test_a_span_inside_a_passage_widens_to_the_passage(client: TestClient) -> None:
    citation = answer(client, question=WAGES)["citations"][0]
    inside = {"start": citation["start"] + 5, "end": citation["end"] - 5}
    span = client.get(f"/api/documents/{citation['doc_id']}", params=inside).json()["span"]
    assert not span["exact"] and span["clean_end"] - span["clean_start"] == len(citation["text"])


def test_a_document_without_a_span_has_its_whole_clean_text(client: TestClient, seed_engine: Engine) -> None:
    document = client.get("/api/documents/001_2be74b2dd42c7d28").json()
    assert document["span"] is None and document["text"] == seed_engine.documents["001_2be74b2dd42c7d28"].text


@pytest.mark.parametrize(
    ("path", "status", "fragment"),
    [
        ("/api/documents/nope", 404, "nope"),
        ("/api/documents/002_b47a481025290089?start=5", 422, "start 和 end"),
        ("/api/documents/002_b47a481025290089?start=9&end=3", 422, "无效"),
        ("/api/documents/002_b47a481025290089?start=900000&end=900001", 422, "不在文档"),
        ("/api/documents/002_b47a481025290089?start=a&end=3", 422, "start 必须是整数"),
        ("/api/documents/002_b47a481025290089?start=-1&end=3", 422, "start 不能小于 0"),
    ],
)
def test_document_errors(client: TestClient, path: str, status: int, fragment: str) -> None:
    response = client.get(path)
    assert response.status_code == status and fragment in response.json()["detail"]


LONG = "法" * 2001


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"question": ""}, 422, texts.EMPTY_QUESTION),
        ({"question": " \n\t "}, 422, texts.EMPTY_QUESTION),
        ({"question": LONG}, 422, "2000"),
        ({"question": WAGES, "top_k": 0}, 422, "top_k"),
        ({"question": WAGES, "top_k": 51}, 422, "top_k"),
        ({"question": WAGES, "top_k": "5"}, 422, "top_k 必须是整数"),
        ({"question": WAGES, "top_k": 2.5}, 422, "top_k 必须是整数"),
        ({"question": WAGES, "mode": "semantic"}, 422, "hybrid、dense、lexical"),
        ({"question": WAGES, "doc_ids": ["no-such-doc"]}, 422, "no-such-doc"),
        ({"question": WAGES, "doc_ids": "000_b663038b1e8870ec"}, 422, "doc_ids"),
        ({"question": WAGES, "collections": ["nope"]}, 422, "nope"),
        ({"question": 42}, 422, "question 必须是字符串"),
        ({"top_k": 3}, 422, "缺少字段 question"),
        ({"question": WAGES, "topk": 3}, 422, "topk"),
        ([WAGES], 422, "JSON 对象"),
    ],
)
def test_bad_answer_requests_get_a_clear_4xx(client: TestClient, body: Any, status: int, fragment: str) -> None:
    response = client.post("/api/answer", json=body)
    assert response.status_code == status, response.text
    assert fragment in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [({"query": "  "}, texts.EMPTY_QUESTION), ({"query": "纠错率", "top_k": 99}, "top_k"),
     ({"query": "纠错率", "mode": "bm25"}, "mode"), ({"question": "纠错率"}, "query")],
)
def test_bad_search_requests_get_a_clear_422(client: TestClient, body: Any, fragment: str) -> None:
    response = client.post("/api/search", json=body)
    assert response.status_code == 422 and fragment in response.json()["detail"]


@pytest.mark.parametrize("raw", [b"{bad json", b'{"question": "x",}', b"\xff\xfe"])
def test_malformed_json_is_a_400(client: TestClient, raw: bytes) -> None:
    response = client.post("/api/answer", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 400 and "JSON" in response.json()["detail"]


def test_a_body_that_is_not_json_is_rejected(client: TestClient) -> None:
    response = client.post("/api/answer", content=b"question=x", headers={"content-type": "text/plain"})
    assert response.status_code == 422 and "application/json" in response.json()["detail"]


def test_healthz_reports_the_manifest(client: TestClient, seed_engine: Engine) -> None:
    result = client.get("/healthz").json()
    assert result["status"] == "ready" and result["manifest"]["chunk_count"] == seed_engine.manifest.chunk_count
    assert set(result["collections"]) == set(seed_engine.collections)


def test_openapi_documents_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/answer", "/api/search", "/api/documents", "/api/documents/{doc_id}", "/healthz"} <= paths.keys()
    page = client.get("/docs")
    assert page.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower() and "http" not in page.text.replace("http-equiv", "")
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_without_an_index_the_app_starts_but_is_not_ready(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(home=tmp_path), ui=False)) as unready:
        health = unready.get("/healthz")
        assert health.status_code == 503 and "lawqa index" in health.json()["detail"]
        response = unready.post("/api/answer", json={"question": WAGES})
        assert response.status_code == 503 and "lawqa index" in response.json()["detail"]
        assert unready.get("/api/documents").status_code == 503


def test_create_app_needs_settings_or_an_engine() -> None:
    with pytest.raises(ValueError, match="settings or an engine"):
        create_app()


def test_an_unknown_document_page_is_a_chinese_page(client: TestClient) -> None:
    response = client.get("/doc/nope")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "未找到该文档" in response.text and "nope" in response.text and '"detail"' not in response.text


# Hardening: input that cannot be encoded or parsed, methods, schema bounds, messages without server paths.

SURROGATE = rb'"\u9e64\u5c71\ud83d"'  # "鹤山" and half of an emoji, as JSON escapes


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
@pytest.mark.parametrize(("path", "field"), [("/api/answer", "question"), ("/api/search", "query")])
def test_a_lone_surrogate_is_a_clear_422(client: TestClient, path: str, field: str, mode: str) -> None:
    raw = b'{"' + field.encode() + b'": ' + SURROGATE + b', "mode": "' + mode.encode() + b'"}'
    response = client.post(path, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["detail"] == texts.BROKEN_CHARACTERS


@pytest.mark.parametrize("raw", [
    b"{\"question\": \"\xff\xfe\xfa\"}",  # invalid UTF-8 inside a string
    "{\"question\": \"鹤山的纠错率\"}".encode("gbk"),
    b'{"question": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
])
def test_unparseable_bodies_get_a_chinese_400(client: TestClient, raw: bytes) -> None:
    response = client.post("/api/answer", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["detail"] in {ui_texts.BODY_UNPARSEABLE, ui_texts.BAD_JSON}


def test_a_json_syntax_error_is_described_in_chinese(client: TestClient) -> None:
    response = client.post("/api/answer", content=b"{'question': 1}", headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["detail"] == ui_texts.BAD_JSON


def test_openapi_shows_the_bounds_it_enforces(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for name in ("AnswerRequest", "SearchRequest"):
        top_k = schemas[name]["properties"]["top_k"]
        assert (top_k["minimum"], top_k["maximum"]) == (1, 50)
    response = client.post("/api/answer", json={"question": WAGES, "top_k": 51})
    assert response.status_code == 422 and "top_k 不能大于 50" in response.json()["detail"]
    parameters = client.get("/openapi.json").json()["paths"]["/api/documents/{doc_id}"]["get"]["parameters"]
    start = next(p for p in parameters if p["name"] == "start")
    assert start["schema"]["anyOf"][0]["minimum"] == 0


def test_healthz_reports_the_loaded_and_the_on_disk_index(client: TestClient, seed_engine: Engine) -> None:
    hashes = client.get("/healthz").json()["index_hashes"]
    assert set(hashes) == set(seed_engine.collections)
    assert all(len(h["loaded"]) == 16 and h["on_disk"] == h["loaded"] for h in hashes.values())


def test_error_messages_show_no_server_paths() -> None:
    from app.routes.errors import public_message

    raw = ("/srv/lawqa/var/index/seeds/vectors.faiss 无法读取（Error in faiss::FileIOReader::FileIOReader "
           "at /project/faiss/faiss/impl/io.cpp:68: Error: could not open /srv/lawqa/var/index/seeds/vectors.faiss）")
    cleaned = public_message(raw)
    assert "/srv" not in cleaned and "io.cpp" not in cleaned and "vectors.faiss 无法读取" in cleaned
