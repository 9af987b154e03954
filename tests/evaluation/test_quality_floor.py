"""The default backend keeps its quality on the Dutch benchmark (benchmarks/nl_matching)."""

from __future__ import annotations

from pathlib import Path

import pytest

from embeddings.use import USE_MODEL_ID
from matcher.evaluation.dataset import load_dataset
from matcher.evaluation.runner import evaluate_dataset
from matcher.settings import Settings
from matcher.wiring import build_embedder

pytestmark = pytest.mark.model

DATASET = Path(__file__).resolve().parents[2] / "benchmarks" / "nl_matching"
# benchmarks/results/quality.md measured 0.768; the floor leaves room for small scoring
# changes and catches a lost component (without dense retrieval: 0.655).
NDCG_FLOOR = 0.74


async def test_default_backend_ndcg_at_10_stays_above_the_floor(
    pg_uri: str, tmp_path: Path
) -> None:
    embedder = build_embedder(Settings(data_dir=tmp_path))
    assert embedder.model_id == USE_MODEL_ID
    results = await evaluate_dataset(load_dataset(DATASET), embedder, server_url=pg_uri)
    metrics = results["default"].metrics
    assert metrics["challenges"] == 68
    assert float(metrics["ndcg@10"]) >= NDCG_FLOOR, metrics
