"""The evaluation runner and the quality report, on a tiny dataset and the real database."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from embeddings.hashing import HashingEmbedder
from matcher.evaluation.dataset import Dataset, EvalChallenge, EvalDocument, EvalProfile
from matcher.evaluation.runner import challenge_subsets, evaluate_dataset, subset_metrics
from matcher.matching.scoring import ScoringConfig

ROOT = Path(__file__).resolve().parents[2]


def _profile(pid: str, lang: str, org: str, *texts: str) -> EvalProfile:
    return EvalProfile(
        id=pid,
        name=None,
        organisation=org,
        sector="ICT-dienstverlening",
        region="Groningen",
        documents=tuple(
            EvalDocument(id=f"{pid}-d{n}", title=None, text=t) for n, t in enumerate(texts, 1)
        ),
        extra={"lang": lang},
    )


def _challenge(cid: str, lang: str, text: str) -> EvalChallenge:
    return EvalChallenge(
        id=cid,
        title=None,
        text=text,
        kind="knowledge",
        organisation="Gemeente Vraag",
        sector="Overheden",
        extra={"lang": lang},
    )


DATASET = Dataset(
    profiles=(
        _profile(
            "p1",
            "nl",
            "Org A",
            "Informatiebeveiligingsbeleid en BIO voor gemeenten.",
            "ENSIA-verantwoording aan de gemeenteraad.",
        ),
        _profile("p2", "en", "Org B", "Phishing simulations and security awareness training."),
        _profile("p3", "nl", "Org C", "Cloudmigratie naar Azure en kostenbeheer."),
        _profile("p4", "nl", "Gemeente Vraag", "Informatiebeveiligingsbeleid en BIO."),
    ),
    challenges=(
        _challenge("c1", "nl", "Wie helpt met ons informatiebeveiligingsbeleid en de BIO?"),
        _challenge("c2", "nl", "Phishing awareness voor medewerkers."),
        _challenge("c3", "en", "Cloud migration to Azure and its costs."),
        _challenge("c4", "en", "Nobody fits this one."),
    ),
    judgments={
        "c1": {"p1": 3.0, "p4": 3.0, "p3": 0.0},
        "c2": {"p2": 3.0, "p1": 1.0},
        "c3": {"p3": 3.0},
        "c4": {"p1": 0.0},
    },
)


def test_language_subsets() -> None:
    assert challenge_subsets(DATASET) == {
        "en": ["c3"],
        "nl->en": ["c2"],
        "en->nl": ["c3"],
        "same": ["c1"],
    }


async def test_evaluate_dataset_runs_the_production_scorer(pg_uri: str) -> None:
    configs = {"default": ScoringConfig(), "without lexical": ScoringConfig().without("lexical")}
    results = await evaluate_dataset(
        DATASET, HashingEmbedder(dimension=64), server_url=pg_uri, configs=configs
    )
    assert list(results) == ["default", "without lexical"]
    default = results["default"]
    assert default.metrics["challenges"] == 3  # c4 has no positive grade
    assert default.metrics["model"] == "hashing-64"
    parts = float(default.metrics["load_seconds"]) + float(default.metrics["scoring_seconds"])
    assert float(default.metrics["seconds"]) == pytest.approx(parts, abs=0.002)
    c1 = default.per_challenge["c1"]
    # p4 works for the organisation that asks: never suggested, ranked last.
    assert c1.ranking[0] == "p1" and c1.ranking[-1] == "p4"
    assert "p4" not in c1.scores
    assert default.per_challenge["c3"].ranking[0] == "p3"
    assert default.metrics["mrr"] == pytest.approx(
        sum(r.rr for r in default.per_challenge.values()) / 3
    )
    assert ("c1", "p1") in default.features and "relevance" in default.features[("c1", "p1")]

    only_c3 = subset_metrics(default, ["c3", "c4", "unknown"], DATASET.judgments)
    assert only_c3["challenges"] == 1.0
    assert only_c3["ndcg@10"] == pytest.approx(default.per_challenge["c3"].ndcg)


def _quality_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("quality_script", ROOT / "benchmarks/quality.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["quality_script"] = module
    spec.loader.exec_module(module)
    return module


async def test_quality_report_tables(pg_uri: str, tmp_path: Path) -> None:
    quality = _quality_module()
    runs = await quality.measure(
        DATASET,
        ["hashing"],
        "hashing",
        server_url=pg_uri,
        cache_path=tmp_path / "cache.sqlite3",
    )
    assert [r.backend for r in runs] == ["hashing"]
    assert set(runs[0].results) == {"default"} | {
        f"without {c}" for c in quality.ABLATION_COMPONENTS
    }
    text = quality.report(runs, DATASET, tmp_path, 1.0)
    assert quality.COMMAND in text
    assert "| **hashing** (default) | `hashing-256` |" in text
    assert "| without lexical |" in text
    assert "| Dutch challenge, an English top profile (`nl->en`) | 1 |" in text


async def test_dataset_without_organisations_sectors_or_regions(pg_uri: str) -> None:
    """Profiles and challenges that name no organisation, sector or region still evaluate."""
    bare = Dataset(
        profiles=tuple(
            EvalProfile(
                id=pid,
                name=None,
                organisation=None,
                sector=None,
                region=None,
                documents=(EvalDocument(id="d1", title=None, text=text),),
            )
            for pid, text in [
                ("profiel p2", "Graph neural networks for molecule property prediction."),
                ("p2", "Bayesian optimisation of chemical reactions."),
                ("p3", "Soil microbiology and nitrogen cycling in wetlands."),
            ]
        ),
        challenges=(
            EvalChallenge(
                id="c1",
                title=None,
                text="Neural networks that predict molecule properties.",
                kind=None,
                organisation=None,
                sector=None,
            ),
        ),
        judgments={"c1": {"profiel p2": 3.0, "p2": 1.0, "p3": 0.0}},
    )
    results = await evaluate_dataset(bare, HashingEmbedder(dimension=64), server_url=pg_uri)
    ranking = results["default"].per_challenge["c1"].ranking
    # Every profile is its own organisation, so diversity never hides one of them.
    assert sorted(ranking) == ["p2", "p3", "profiel p2"]
    assert set(results["default"].per_challenge["c1"].scores) == set(ranking)
    assert ranking[0] == "profiel p2"


async def test_declared_speaking_data_is_stored_and_used(pg_uri: str) -> None:
    """Profiles may say whether they speak and on what; the runner stores and embeds it."""

    def profile(pid: str, extra: dict[str, object]) -> EvalProfile:
        return EvalProfile(
            id=pid,
            name=None,
            organisation=None,
            sector=None,
            region=None,
            documents=(EvalDocument(id="d1", title=None, text="Kunstmatige intelligentie."),),
            extra=extra,
        )

    data = Dataset(
        profiles=(
            profile("willing", {"willing_to_speak": True, "speaker_topics": ["AI in de zorg"]}),
            profile("unwilling", {"willing_to_speak": False}),
        ),
        challenges=(
            EvalChallenge(
                id="c1",
                title=None,
                text="Spreker gezocht over AI in de zorg.",
                kind="speaker",
                organisation=None,
                sector=None,
            ),
        ),
        judgments={"c1": {"willing": 3.0, "unwilling": 1.0}},
    )
    result = (await evaluate_dataset(data, HashingEmbedder(dimension=64), server_url=pg_uri))[
        "default"
    ]
    assert result.per_challenge["c1"].ranking == ["willing", "unwilling"]
    assert result.features[("c1", "unwilling")]["willing_to_speak"] == 0.0
    assert result.features[("c1", "willing")]["speaker_topic_match"] == 1.0
