"""The `lawqa` command speaks Chinese to its user: argparse's words, bad bytes, progress in logs."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from app.config import Settings
from app.engine import Engine
from app.progress import StageProgress
from tests.conftest import SEEDS


def run(args: list[str | bytes], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LAWQA_HOME": str(home), "LAWQA_SEEDS": str(SEEDS)}
    return subprocess.run([sys.executable.encode(), b"-m", b"app.cli", *[a if isinstance(a, bytes) else a.encode()
                                                                        for a in args]],
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=300, check=False)


def test_undecodable_bytes_in_a_question_give_one_chinese_line(seed_engine: Engine, seed_settings: Settings) -> None:
    result = run(["ask", b"\xff\xe9\xb9\xa4\xe5\xb1\xb1"], seed_settings.home)  # \xff then "鹤山" in UTF-8
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "无法识别的字符" in result.stderr


def test_ask_without_a_question_says_how_in_chinese(seed_engine: Engine, seed_settings: Settings) -> None:
    result = run(["ask"], seed_settings.home)
    assert result.returncode == 1 and "没有给出问题" in result.stderr and "usage" not in result.stderr


def test_argparse_speaks_chinese(tmp_path: Path) -> None:
    missing = run([], tmp_path)
    assert missing.returncode == 2 and "用法：" in missing.stderr and "缺少必需的参数" in missing.stderr
    assert "usage" not in missing.stderr and "error" not in missing.stderr
    wrong = run(["ask", "问题", "--mode", "fuzzy"], tmp_path)
    assert "无效的选项" in wrong.stderr and "invalid" not in wrong.stderr
    helped = run(["ask", "--help"], tmp_path)
    assert "显示本帮助并退出" in helped.stdout and "show this help" not in helped.stdout


def test_progress_in_a_log_is_plain_lines_one_stage_at_a_time() -> None:
    log = io.StringIO()
    progress = StageProgress(log)
    reading, embedding = progress.stage("读取文件", "个文件"), progress.stage("计算向量", "段")
    for done in range(1, 6):
        reading(done, 5)
    for done in range(32, 101, 32):
        embedding(min(done, 100), 100)
    embedding(100, 100)
    progress.close()
    lines = log.getvalue().splitlines()
    assert "\x1b" not in log.getvalue() and "\r" not in log.getvalue()
    assert lines[0] == "读取文件：1/5 个文件" and lines[-1] == "计算向量：100/100 段"
    assert all(("个文件" in line) == line.startswith("读取文件") for line in lines)
