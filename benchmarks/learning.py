"""Does learning from review decisions beat the hand-tuned scorer? A simulated programme manager.

The manager sees each challenge's top suggestions (as the review page shows them) and
decides from the benchmark's grades: approves grade >= 2, rejects grade 0 (and
unjudged, which the benchmark counts as 0) for wrong expertise, leaves grade 1 alone.
Decisions on a share of the challenges train the re-ranker with the same code as
`matcher train`; the held-out challenges are then ranked over *all* profiles, before
(hand-tuned scorer) and after (re-ranker), with the production ranking rule (rank()
with its organisation diversity), over several random splits grouped by challenge.

    python benchmarks/learning.py [--backend minilm|use|hashing|<model>] [--splits 20] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean, stdev

from embeddings.factory import make_embedder
from matcher import db
from matcher.evaluation.dataset import Dataset, load_dataset
from matcher.evaluation.runner import EvalResult, evaluate_dataset, metrics_from
from matcher.learning.apply import rerank
from matcher.learning.dataset import training_set
from matcher.learning.decisions import SCORER_FEATURE, Decision
from matcher.learning.model import Reranker, fit_reranker
from matcher.learning.training import ColdStart, train_and_evaluate
from matcher.matching.scoring import ScoredCandidate, rank
from matcher.records import Candidate
from matcher.settings import get_settings

DEFAULT_DATASET = Path(__file__).parent / "nl_matching"
METRICS = ("ndcg@10", "mrr", "recall@10")


def manager_decisions(
    result: EvalResult, judgments: Mapping[str, Mapping[str, float]], *, top: int
) -> list[Decision]:
    """What the simulated programme manager decides on each challenge's top suggestions."""
    decisions: list[Decision] = []
    for cid, challenge in result.per_challenge.items():
        for pid in challenge.ranking[:top]:
            features = result.features.get((cid, pid))
            if features is None:  # excluded by the rules (own organisation): never shown
                continue
            grade = judgments.get(cid, {}).get(pid, 0.0)
            if grade >= 2:
                decisions.append(Decision(cid, pid, "approved", features=features))
            elif grade <= 0:
                decisions.append(
                    Decision(cid, pid, "rejected", reason_code="wrong_expertise", features=features)
                )
    return decisions


def _candidates(dataset: Dataset) -> dict[str, Candidate]:
    """Just enough of a candidate for rank(): ids and the organisation it diversifies on."""
    org_ids: dict[str, int] = {}
    out: dict[str, Candidate] = {}
    for i, p in enumerate(dataset.profiles):
        org = p.organisation or f"\x00profile:{p.id}"
        org_ids.setdefault(org, len(org_ids))
        out[p.id] = Candidate(
            person_id=i,
            person_name=p.id,
            person_role="",
            email="",
            organisation_id=org_ids[org],
            organisation_name=org,
            sector_code=None,
            sector_name=None,
            province=None,
            languages=(),
            consent=True,
            capacity_hours_per_month=40.0,
            available_from=None,
            available_until=None,
            reserved_hours=0.0,
            willing_to_speak=True,
            speaker_topics=(),
            conflict_organisation_ids=(),
            recent_exposure=0,
        )
    return out


def _scored(features: Mapping[str, float], candidate: Candidate) -> ScoredCandidate:
    rest = {k: v for k, v in features.items() if k != SCORER_FEATURE}
    return ScoredCandidate(
        candidate=candidate,
        score=features[SCORER_FEATURE],
        relevance=rest.get("relevance", 0.0),
        parts={},
        features=rest,
        docs=[],
        free_hours=None,
        cross_sector=bool(rest.get("cross_sector")),
        speaker_topics_matched=[],
    )


def ranked_metrics(
    dataset: Dataset,
    result: EvalResult,
    challenge_ids: Sequence[str],
    model: Reranker | None,
    candidates: Mapping[str, Candidate],
) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Rank every profile for each challenge (scorer, or re-ranked by model) and measure."""
    profile_ids = [p.id for p in dataset.profiles]
    rankings: dict[str, list[str]] = {}
    scores: dict[tuple[str, str], float] = {}
    for cid in challenge_ids:
        scored = [
            _scored(result.features[(cid, pid)], candidates[pid])
            for pid in profile_ids
            if (cid, pid) in result.features
        ]
        if model is not None:
            rerank(scored, model)
        ranked = rank(scored, top=len(scored))
        ranking = [s.candidate.person_name for s in ranked]
        seen = set(ranking)
        rankings[cid] = ranking + [pid for pid in profile_ids if pid not in seen]
        scores.update({(cid, s.candidate.person_name): s.score for s in scored})
    judgments = {cid: dataset.judgments[cid] for cid in challenge_ids}
    metrics, _ = metrics_from(rankings, scores, judgments)
    return metrics, rankings


@dataclass
class SplitResult:
    """One split's figures per ranking."""

    metrics: dict[str, dict[str, float]]
    train_decisions: int
    positives: int
    negatives: int
    activated: bool
    kind: str
    heldout_model_pairwise: float | None
    heldout_scorer_pairwise: float | None


def run_split(
    dataset: Dataset,
    result: EvalResult,
    decisions: Sequence[Decision],
    train: set[str],
    test: Sequence[str],
    candidates: Mapping[str, Candidate],
    *,
    seed: int,
) -> SplitResult:
    """Train on the decisions of `train` challenges; measure rankings on `test` challenges."""
    train_decisions = [d for d in decisions if d.challenge in train]
    data = training_set(train_decisions)
    metrics: dict[str, dict[str, float]] = {}
    metrics["scorer (hand-tuned)"], _ = ranked_metrics(dataset, result, test, None, candidates)
    for kind in ("logistic", "boosting"):
        model = fit_reranker(data.feature_names, data.x, data.y, kind=kind, random_state=seed)
        metrics[f"re-ranker, {kind}"], _ = ranked_metrics(dataset, result, test, model, candidates)
    # Exactly what `matcher train` would do with these decisions, activation rule included.
    try:
        outcome = train_and_evaluate(train_decisions, random_state=seed)
    except ColdStart as cold:
        print(f"split {seed}: cold start ({cold.reason})", file=sys.stderr)
        metrics["`matcher train` (rule applied)"] = metrics["scorer (hand-tuned)"]
        return SplitResult(metrics, len(data), 0, 0, False, "-", None, None)
    deployed = outcome.model if outcome.activation.active else None
    metrics["`matcher train` (rule applied)"], _ = ranked_metrics(
        dataset, result, test, deployed, candidates
    )
    return SplitResult(
        metrics=metrics,
        train_decisions=outcome.counts.decisions,
        positives=outcome.counts.positives,
        negatives=outcome.counts.negatives,
        activated=outcome.activation.active,
        kind=outcome.model.kind,
        heldout_model_pairwise=outcome.model_metrics.pairwise_accuracy,
        heldout_scorer_pairwise=outcome.scorer_metrics.pairwise_accuracy,
    )


def _mean_std(values: Sequence[float]) -> tuple[float, float]:
    clean = [v for v in values if not math.isnan(v)]
    if not clean:
        return math.nan, math.nan
    return fmean(clean), (stdev(clean) if len(clean) > 1 else 0.0)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the before/after table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument(
        "--backend", default=None, help="embedding backend (default: make_embedder(None))"
    )
    parser.add_argument("--splits", type=int, default=20)
    parser.add_argument("--train-share", type=float, default=0.6)
    parser.add_argument("--top", type=int, default=10, help="suggestions the manager sees")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    dataset = load_dataset(args.dataset)
    embedder = make_embedder(args.backend)
    url = db.database_url(get_settings())
    result = asyncio.run(evaluate_dataset(dataset, embedder, server_url=url))["default"]
    candidates = _candidates(dataset)
    decisions = manager_decisions(result, dataset.judgments, top=args.top)
    challenge_ids = sorted(result.per_challenge)

    # Sanity: our re-ranking path with the scorer's own score reproduces the runner's ranking.
    _, rankings = ranked_metrics(dataset, result, challenge_ids, None, candidates)
    differing = sum(rankings[c] != result.per_challenge[c].ranking for c in challenge_ids)
    if differing:
        print(f"warning: {differing} challenges rank differently from the runner", file=sys.stderr)

    splits: list[SplitResult] = []
    n_train = round(len(challenge_ids) * args.train_share)
    for seed in range(args.splits):
        order = challenge_ids[:]
        random.Random(seed).shuffle(order)
        train, test = set(order[:n_train]), sorted(order[n_train:])
        splits.append(run_split(dataset, result, decisions, train, test, candidates, seed=seed))

    rows: dict[str, dict[str, tuple[float, float]]] = {}
    baseline = "scorer (hand-tuned)"
    for name in splits[0].metrics:
        rows[name] = {m: _mean_std([s.metrics[name][m] for s in splits]) for m in METRICS}
        # Paired over the same splits: what learning changes, split by split.
        rows[name]["Δ ndcg@10"] = _mean_std(
            [s.metrics[name]["ndcg@10"] - s.metrics[baseline]["ndcg@10"] for s in splits]
        )
    pm = _mean_std(
        [s.heldout_model_pairwise for s in splits if s.heldout_model_pairwise is not None]
    )
    ps = _mean_std(
        [s.heldout_scorer_pairwise for s in splits if s.heldout_scorer_pairwise is not None]
    )
    mean_train = fmean(s.train_decisions for s in splits)
    kinds = sorted({s.kind for s in splits})
    activated = sum(s.activated for s in splits)
    summary = {
        "model": embedder.model_id,
        "challenges": len(challenge_ids),
        "decisions": len(decisions),
        "positives": sum(d.state == "approved" for d in decisions),
        "negatives": sum(d.state == "rejected" for d in decisions),
        "splits": args.splits,
        "train_challenges": n_train,
        "test_challenges": len(challenge_ids) - n_train,
        "activated": activated,
        "kinds": kinds,
        "heldout_pairwise_model": pm,
        "heldout_pairwise_scorer": ps,
        "train_decisions": mean_train,
        "seconds": round(time.perf_counter() - started, 1),
        "rows": rows,
    }
    if args.json:
        print(json.dumps(summary))
        return 0
    print(
        f"{args.dataset.name}, {embedder.model_id}: {summary['challenges']} challenges; the "
        f"manager decided {summary['decisions']} of the top-{args.top} suggestions "
        f"({summary['positives']} approved, {summary['negatives']} rejected for expertise)"
    )
    print(
        f"{args.splits} random splits by challenge: train on {n_train} challenges' decisions "
        f"(~{mean_train:.0f}), rank all profiles for the other {len(challenge_ids) - n_train}"
    )
    print()
    columns = [*METRICS, "Δ ndcg@10"]
    print("| ranking | " + " | ".join(columns) + " |")
    print("|" + "---|" * (len(columns) + 1))
    for name, values in rows.items():
        cells = " | ".join(f"{values[m][0]:.3f} ± {values[m][1]:.3f}" for m in columns)
        print(f"| {name} | {cells} |")
    print()
    print(
        f"`matcher train` activated the re-ranker in {activated} of {args.splits} "
        f"splits (kinds chosen: {', '.join(kinds)}); its own held-out "
        f"check on the training decisions: pairwise accuracy {pm[0]:.3f} ± {pm[1]:.3f} (model) "
        f"vs {ps[0]:.3f} ± {ps[1]:.3f} (scorer)"
    )
    print(f"({summary['seconds']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
