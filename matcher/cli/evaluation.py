"""`matcher eval`: score a labelled dataset with the production scoring code."""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from matcher import wiring
from matcher.cli.common import fail, out, run, settings, url
from matcher.errors import MatcherError


def eval_command(
    dataset_dir: Annotated[
        Path, typer.Argument(help="Folder with profiles.jsonl, challenges.jsonl, judgments.tsv")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    backend: Annotated[
        str | None,
        typer.Option(help="Embedding backend: minilm, use, hashing, or a model name/path"),
    ] = None,
) -> None:
    """Score a labelled dataset with the production scoring code and print the metrics."""
    from matcher.evaluation.dataset import load_dataset
    from matcher.evaluation.runner import evaluate_dataset

    current = settings()
    try:
        dataset = load_dataset(dataset_dir)
    except MatcherError as exc:
        fail(exc.message, exc)
    database_url = url(current)
    embedder = wiring.build_embedder(current, backend)
    started = time.perf_counter()

    async def go() -> dict[str, Any]:
        results = await evaluate_dataset(dataset, embedder, server_url=database_url)
        return dict(results["default"].metrics)

    metrics = run(go)
    metrics["seconds"] = round(time.perf_counter() - started, 3)
    keys = [
        "ndcg@10",
        "recall@10",
        "mrr",
        "pairwise_loss_by_profile",
        "pairwise_loss_by_challenge",
        "seconds",
        "model",
    ]
    clean = {k: _json_number(metrics[k]) for k in keys}
    if as_json:
        sys.stdout.write(json.dumps(clean) + "\n")
        return
    table = Table(title=f"{dataset_dir} ({metrics.get('challenges')} challenges)")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for k in keys:
        v = clean[k]
        table.add_row(k, f"{v:.4f}" if isinstance(v, float) else str(v))
    out.print(table)


def _json_number(value: Any) -> Any:
    """NaN (no pairs to compare) is null in JSON."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float):
        return round(value, 6)
    return value
