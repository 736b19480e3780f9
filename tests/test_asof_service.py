"""The law on a past day through the engine, the HTTP API and the CLI, on real indexes.

The laws are real LawRefBook files shipped in `laws/national`: both texts of 行政复议法 (the 2017 one in
force from 2018-01-01 to 2024-01-01, the 2023 one since) and 劳动合同法 (in force since 2013-07-01),
beside the seed reports.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.engine import Engine, load_engine
from app.indexer import build
from app.server import create_app
from rag import texts
from rag.errors import InputError
from rag.protocols import Encoder

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = ROOT / "laws" / "national"
LAW_FILES = [NATIONAL / "诉讼与非诉讼程序法" / "行政复议法(2017-09-01).md",
             NATIONAL / "诉讼与非诉讼程序法" / "行政复议法(2023-09-01).md",
             NATIONAL / "社会法" / "劳动合同法(2012-12-28).md"]
DEADLINE = "提出行政复议申请的期限是多久？"
WAGES_2022 = "2022年鹤山行政复议案件的纠错率是多少？"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, seed_engine: Engine, seed_settings: Settings,
         encoder: Encoder) -> Path:
    home = tmp_path_factory.mktemp("asof-home")
    shutil.copytree(seed_settings.index_dir("seeds"), home / "index" / "seeds")
    laws = Settings(home=home, collection="laws", shipped_vectors=ROOT / "laws" / "vectors")
    build(laws, LAW_FILES, encoder=encoder)
    return home


@pytest.fixture(scope="module")
def engine(home: Path, encoder: Encoder) -> Engine:
    return load_engine(Settings(home=home), encoder=encoder)


def test_without_a_date_the_current_text_answers(engine: Engine) -> None:
    answer = engine.answer(DEADLINE)
    assert answer.text.startswith("《行政复议法》第二十条（现行有效，2024年1月1日起施行）：")
    assert "应当知道该行政行为" in answer.text and answer.as_of == ""


def test_a_past_day_answers_from_the_version_then_in_force(engine: Engine) -> None:
    answer = engine.answer(DEADLINE, as_of="2019-06-01")
    assert answer.text.startswith("《行政复议法》第九条（2019年6月1日时有效的版本，2018年1月1日起施行，现已修改）：")
    assert "知道该具体行政行为之日起六十日内" in answer.text and answer.as_of == "2019-06-01"
    statutes = [c.meta for c in answer.citations if c.meta.kind == "statute"]
    assert statutes and {m.date for m in statutes} == {"2017-09-01"}  # the 2023 text is not searched


def test_the_question_can_ask_for_the_year_itself(engine: Engine) -> None:
    answer = engine.answer("2019年时行政复议法怎么规定提出申请的期限？")
    assert answer.as_of == "2019-12-31" and "（2019年底时有效的版本，" in answer.text
    assert answer.question == "2019年时行政复议法怎么规定提出申请的期限？"
    current = engine.answer("2019年时劳动合同法怎么规定试用期？")
    assert current.text.startswith("《劳动合同法》第") and "试用期" in current.text
    assert "条（2019年底时有效的版本，2013年7月1日起施行，现行有效）：" in current.text


def test_reports_do_not_depend_on_the_date(engine: Engine) -> None:
    plain, dated = engine.answer(WAGES_2022), engine.answer(WAGES_2022, as_of="2019-06-01")
    assert "2.12%" in plain.text and plain.text == dated.text and plain.as_of == ""


def test_a_law_not_yet_in_force_is_not_searched(engine: Engine) -> None:
    answer = engine.answer("2010年时劳动合同法怎么规定试用期？")
    assert answer.abstained and answer.text == texts.AS_OF_NO_VERSION.format(
        when="2010年底", law="劳动合同法", since="2013年7月1日")
    hits = engine.search("劳动合同 试用期", top_k=20, as_of="2010-06-01")
    assert hits and all(engine.metas[h.chunk.doc_id].kind == "report" for h in hits)


def test_bad_dates_are_refused(engine: Engine) -> None:
    with pytest.raises(InputError, match="日期“2019-02-30”无效"):
        engine.answer(DEADLINE, as_of="2019-02-30")


@pytest.fixture(scope="module")
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine=engine, ui=False)) as test_client:
        yield test_client


def post(client: TestClient, path: str, **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_api_answer_as_of_with_validity_on_every_statute_citation(client: TestClient) -> None:
    result = post(client, "/api/answer", question=DEADLINE, as_of="2019-06-01")
    assert result["as_of"] == "2019-06-01" and "2019年6月1日时有效的版本" in result["answer"]
    first = result["citations"][0]
    assert (first["status"], first["publish"], first["effective"]) == ("已修改", "2017-09-01", "2018-01-01")
    now = post(client, "/api/answer", question=DEADLINE)
    assert now["as_of"] is None
    assert (now["citations"][0]["status"], now["citations"][0]["publish"]) == ("现行有效", "2023-09-01")
    reports = post(client, "/api/answer", question="鹤山2022年行政复议案件的纠错率是多少？", as_of="2019-06-01")
    report = next(c for c in reports["citations"] if not c["label"])
    assert (report["status"], report["publish"]) == ("", "")


def test_api_search_as_of(client: TestClient) -> None:
    result = post(client, "/api/search", query="行政复议申请期限", as_of="2019", top_k=10)
    assert result["as_of"] == "2019-12-31"
    assert {h["publish"] for h in result["hits"] if "行政复议法" in h["title"]} == {"2017-09-01"}
    assert post(client, "/api/search", query="行政复议申请期限", as_of="")["as_of"] is None


@pytest.mark.parametrize("as_of", ["2019-02-30", "明天", "2019-6-1-1", "\ud83d"])
def test_api_bad_dates_are_a_chinese_422(client: TestClient, as_of: str) -> None:
    for path, key in (("/api/answer", "question"), ("/api/search", "query")):
        body = json.dumps({key: DEADLINE, "as_of": as_of})  # ASCII JSON: a lone surrogate as "\\ud83d"
        response = client.post(path, content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422, response.text
        assert "日期" in response.json()["detail"] or "无法识别的字符" in response.json()["detail"]


def lawqa(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LAWQA_HOME": str(home), "LAWQA_LAWS": str(home / "no-laws")}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, env=env,
                          timeout=300, check=False, cwd=ROOT)


def test_cli_ask_and_search_as_of(home: Path) -> None:
    asked = lawqa(home, "ask", DEADLINE, "--as-of", "2019-06-01", "--json")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["as_of"] == "2019-06-01" and answer["citations"][0]["publish"] == "2017-09-01"
    searched = lawqa(home, "search", "行政复议申请期限", "--as-of", "2019", "--json")
    assert json.loads(searched.stdout)["as_of"] == "2019-12-31"
    bad = lawqa(home, "ask", DEADLINE, "--as-of", "2019-13-01")
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "日期“2019-13-01”无效" in bad.stderr


def test_mcp_answers_as_of_and_fetches_the_current_article(home: Path) -> None:
    from tests.test_mcp import call_all

    _, (answered, article) = call_all(home, [("answer", {"question": DEADLINE, "as_of": "2019-06-01"}),
                                             ("get_article", {"label": "行政复议法第20条"})])
    assert answered.structured_content["as_of"] == "2019-06-01"
    assert answered.structured_content["citations"][0]["publish"] == "2017-09-01"
    statute = article.structured_content
    assert (statute["status"], statute["publish"], statute["in_force"]) == ("现行有效", "2023-09-01", True)
