"""With the real models: English pairs scored by MiniLM beat USE alone on English expert abstracts."""

from __future__ import annotations

from pathlib import Path

import pytest

from embeddings.factory import make_embedder
from embeddings.paired import english_model
from matcher.evaluation.dataset import load_dataset
from matcher.evaluation.runner import evaluate_dataset
from matcher.matching.scoring import ScoringConfig

pytestmark = pytest.mark.model

EXPERTS = Path(__file__).resolve().parents[2] / "benchmarks" / "en_experts"


def test_the_default_embedder_pairs_use_with_minilm() -> None:
    paired = make_embedder("use", english="minilm", use_cache=False)
    assert paired.model_id == "use-multilingual-v3"
    second = english_model(paired)
    assert second is not None and "MiniLM" in second.model_id
    # Every other backend is used alone.
    assert english_model(make_embedder("minilm", english="minilm", use_cache=False)) is None
    assert english_model(make_embedder("use", english="none", use_cache=False)) is None


async def test_routing_lowers_the_pairwise_loss_on_english_expert_abstracts(
    pg_uri: str, tmp_path: Path
) -> None:
    dataset = load_dataset(EXPERTS)
    embedder = make_embedder("use", english="minilm", cache_path=tmp_path / "cache.sqlite3")
    configs = {"default": ScoringConfig(), "use alone": ScoringConfig().without("english")}
    results = await evaluate_dataset(dataset, embedder, server_url=pg_uri, configs=configs)
    routed = results["default"].metrics
    alone = results["use alone"].metrics
    assert (
        float(routed["pairwise_loss_by_profile"]) < float(alone["pairwise_loss_by_profile"]) - 0.02
    )
    assert float(routed["ndcg@10"]) > float(alone["ndcg@10"])
