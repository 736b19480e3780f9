"""The `lawqa` command as a user runs it: real processes, one-line errors, exit codes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import Settings
from app.engine import Engine
from tests import formats_fixtures
from tests.conftest import DEV, SEEDS


def lawqa(*args: str, home: Path, stdin: str = "", env: dict[str, str] | None = None
          ) -> subprocess.CompletedProcess[str]:
    # The national laws are left out: these tests are about the seed reports (laws: tests/test_laws.py).
    env = {**os.environ, "LAWQA_HOME": str(home), "LAWQA_SEEDS": str(SEEDS), "LAWQA_LAWS": str(home / "no-laws"),
           **(env or {})}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, env=env,
                          input=stdin, timeout=300, check=False)


def assert_one_line_error(result: subprocess.CompletedProcess[str], pattern: str) -> None:
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert pattern in result.stderr


def test_no_index_yet(tmp_path: Path) -> None:
    assert_one_line_error(lawqa("ask", "鹤山的行政复议纠错率是多少？", home=tmp_path), "lawqa index")


def test_index_then_ask_search_and_json(seed_engine: Engine, seed_settings: Settings) -> None:
    home = seed_settings.home
    current = lawqa("index", "--if-stale", home=home)
    assert current.returncode == 0, current.stderr
    asked = lawqa("ask", "鹤山通过欠薪案件执行联动机制，帮农民工讨回了多少工钱？", "--json", home=home)
    answer = json.loads(asked.stdout)
    assert "466万元" in answer["answer"] and answer["citations"][0]["start"] >= 0
    searched = lawqa("search", "坦洲 法律援助", "--top-k", "3", "--json", home=home)
    assert len(json.loads(searched.stdout)["hits"]) == 3


@pytest.mark.parametrize(("args", "message"), [
    (("ask", "   "), "问题不能为空"),
    (("ask", "问" * 2001), "问题过长"),
    (("search", "行政复议", "--top-k", "0"), "top_k"),
    (("eval", "missing.jsonl"), "问题文件不存在"),
    (("search", "行政复议", "--collection", "nope"), "未知的资料库"),
])
def test_bad_input_gives_one_line_and_exit_1(seed_engine: Engine, seed_settings: Settings,
                                             args: tuple[str, ...], message: str) -> None:
    assert_one_line_error(lawqa(*args, home=seed_settings.home), message)


def test_eval_json_prints_one_object(seed_engine: Engine, seed_settings: Settings) -> None:
    result = lawqa("eval", str(DEV), "--json", "--modes", "lexical", home=seed_settings.home)
    metrics = json.loads(result.stdout)
    assert set(metrics) == {"lexical", "hybrid (default)"} and metrics["lexical"]["questions"] == 50


def test_unreadable_files_are_skipped_with_a_message_and_nothing_else_lost(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    formats_fixtures.write_folder(docs)
    (docs / "good.txt").write_text("一、工作情况\n坦洲镇受理法律援助案件7宗。", encoding="gbk")
    result = lawqa("index", str(docs), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "已索引 6 篇文档" in result.stdout
    skipped = [line for line in result.stderr.splitlines() if line.startswith("lawqa: 已跳过")]
    for name, reason in (("扫描件.pdf", "没有文字层"), ("空白.txt", "文件是空的"), ("数据.txt", "二进制文件"),
                         ("表格.xlsx", "不支持的格式")):
        assert any(name in line and reason in line for line in skipped), (name, result.stderr)
    assert len(skipped) == 4
    answer = lawqa("ask", "坦洲镇受理了多少宗法律援助案件？", home=tmp_path)
    assert "7宗" in answer.stdout
    answer = lawqa("ask", "青禾镇调处了多少件土地承包纠纷？", home=tmp_path)
    assert "四十七件" in answer.stdout


def test_bad_environment_setting_is_reported(tmp_path: Path) -> None:
    env_home = tmp_path
    result = subprocess.run([sys.executable, "-m", "app.cli", "search", "x"], capture_output=True, text=True,
                            env={**os.environ, "LAWQA_HOME": str(env_home), "LAWQA_THREADS": "many"}, check=False)
    assert_one_line_error(result, "LAWQA_THREADS")
