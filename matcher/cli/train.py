"""`matcher train`: train the re-ranker on recorded decisions and report against the scorer."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from matcher.cli.common import connection, out, run, settings, upgrade, url
from matcher.learning.training import ACTIVATION_MARGIN, MIN_DECISIONS


class KindOption(StrEnum):
    """Which model kinds training may try."""

    auto = "auto"
    logistic = "logistic"
    boosting = "boosting"


def train_command(
    min_decisions: Annotated[
        int, typer.Option(min=1, help="Labelled decisions needed before anything is trained")
    ] = MIN_DECISIONS,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    kind: Annotated[
        KindOption,
        typer.Option(help="logistic, boosting, or auto (boosting too from 200 decisions on)"),
    ] = KindOption.logistic,
    margin: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="Held-out pairwise-accuracy gain needed to activate"),
    ] = ACTIVATION_MARGIN,
) -> None:
    """Train the re-ranker on review decisions; it ranks only if it beats the scorer held-out."""
    from matcher.usecases.training import TrainingReport, train_reranker

    database_url = url(settings())

    async def go() -> TrainingReport:
        await upgrade(database_url)
        async with connection(database_url) as conn:
            return await train_reranker(
                conn, min_decisions=min_decisions, margin=margin, kind=kind.value
            )

    report = run(go)
    if as_json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False) + "\n")
        return
    counts = report.counts
    out.print(
        f"decisions: {counts.decisions} labelled ({counts.positives} positive, "
        f"{counts.negatives} negative) on {counts.challenges} challenges; "
        f"{counts.excluded} left out"
    )
    if report.status != "cold_start":
        table = Table(
            title=f"Version {report.version} ({report.kind}) on held-out challenges' decisions"
        )
        table.add_column("metric")
        table.add_column("re-ranker", justify="right")
        table.add_column("scorer", justify="right")
        table.add_column("difference", justify="right")
        for key, label in (
            ("pairwise_accuracy", "pairwise accuracy"),
            ("auc", "AUC"),
            ("ndcg", "nDCG (decided)"),
        ):
            model = report.model_metrics.get(key)
            scorer = report.scorer_metrics.get(key)
            table.add_row(label, _fmt(model), _fmt(scorer), _fmt_delta(model, scorer))
        table.add_row(
            "challenges / pairs",
            f"{report.model_metrics.get('challenges')} / {report.model_metrics.get('pairs')}",
            "",
            "",
        )
        out.print(table)
    colour = {"activated": "green", "not_activated": "yellow", "cold_start": "yellow"}
    out.print(f"[{colour[report.status]}]{report.message}[/{colour[report.status]}]")


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else "n/a"


def _fmt_delta(a: Any, b: Any) -> str:
    if isinstance(a, float) and isinstance(b, float):
        return f"{a - b:+.3f}"
    return "n/a"
