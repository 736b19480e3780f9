"""`lawqa mcp` spawned over stdio and driven by the `mcp` package's own client."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from app.config import Settings
from app.engine import Engine
from app.indexer import build
from rag.protocols import Encoder
from tests.test_api import WAGES
from tests.test_collections import LAWS


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, seed_engine: Engine, seed_settings: Settings,
         encoder: Encoder) -> Path:
    """The seed index beside a small statute collection."""
    home = tmp_path_factory.mktemp("mcp-home")
    shutil.copytree(seed_settings.index_dir("seeds"), home / "index" / "seeds")
    build(Settings(home=home, collection="laws"), [LAWS], encoder=encoder)
    return home


def call_all(home: Path, calls: list[tuple[str, dict[str, Any]]]) -> tuple[list[str], list[Any]]:
    """Spawn `lawqa mcp`, list its tools and make the calls, in one session."""
    params = StdioServerParameters(command=str(Path(sys.executable).parent / "lawqa"), args=["mcp"],
                                   env={"LAWQA_HOME": str(home)})

    async def session() -> tuple[list[str], list[Any]]:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as client:
            await client.initialize()
            tools = [tool.name for tool in (await client.list_tools()).tools]
            return tools, [await client.call_tool(name, arguments) for name, arguments in calls]

    return anyio.run(session)


def test_mcp_tools_search_answer_and_fetch(home: Path) -> None:
    tools, (answered, searched, article, span, unknown) = call_all(home, [
        ("answer", {"question": WAGES}),
        ("search", {"query": "试用期", "top_k": 2, "collections": ["laws"]}),
        ("get_article", {"label": "劳动合同法第19条"}),
        ("get_document", {"doc_id": "placeholder"}),
        ("get_document", {"doc_id": "no-such-document"}),
    ])
    assert set(tools) == {"search", "answer", "get_document", "get_article"}
    answer = answered.structured_content
    assert "466万元" in answer["answer"] and answer["citations"][0]["n"] == 1 and not answered.is_error
    assert len(searched.structured_content["hits"]) == 2
    statute = article.structured_content
    assert statute["label"] == "劳动合同法 第十九条" and "六个月" in statute["text"]
    assert span.is_error and unknown.is_error and "未知的文档编号" in unknown.content[0].text


def test_mcp_fetches_the_span_a_citation_gives(home: Path, seed_engine: Engine) -> None:
    cited = seed_engine.answer(WAGES).citations[0].hit.chunk
    _, (span,) = call_all(home, [("get_document", {"doc_id": cited.doc_id, "start": cited.start, "end": cited.end})])
    assert not span.is_error and cited.text in span.structured_content["text"]
