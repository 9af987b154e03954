"""Ablation for issue 12 §2: encoder routing by language, saturating lexical evidence, aggregation.

    python benchmarks/english_routing.py [DATASET_DIR ...] [--write FILE]
        (default: en_experts, en_longdoc and nl_matching)

Offline and fast: every text is embedded once by each packaged encoder (vectors cached), the
profiles become in-memory candidates, and the production scorer (``score_candidates`` and
``rank`` with a ``ScoringConfig``) scores every challenge over all profiles, so the figures
differ from ``matcher eval`` only where the dataset describes organisations, sectors or
regions (left out here). ``benchmarks/quality.py`` gives the production figures of the
chosen configuration. Prints the calibration of the English model onto the multilingual
model's scale, then one Markdown table per dataset.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np

from embeddings.factory import make_embedder
from matcher.evaluation.dataset import Dataset, load_dataset
from matcher.evaluation.runner import metrics_from
from matcher.logging import configure_logging
from matcher.matching.config import ScoringConfig
from matcher.matching.language import is_english
from matcher.matching.lexical import LexicalStats
from matcher.matching.scoring import rank, score_candidates
from matcher.records import Candidate, ChallengeQuery, EvidenceDoc, document_text
from matcher.settings import Settings

ROOT = Path(__file__).resolve().parent
DEFAULTS = [ROOT / "en_experts", ROOT / "en_longdoc", ROOT / "nl_matching"]
TODAY = date(2026, 1, 1)


@dataclass
class Embedded:
    """A dataset with both encoders' cosines for every (challenge, document) pair."""

    dataset: Dataset
    doc_owner: list[str]
    doc_texts: list[str]
    doc_english: list[bool]
    query_texts: list[str]
    query_english: list[bool]
    use: np.ndarray
    minilm: np.ndarray


def embed(dataset: Dataset, cache: Path) -> Embedded:
    """Both encoders' similarities, computed once per dataset."""
    docs = [
        (p.id, document_text(d.title or "", d.text)) for p in dataset.profiles for d in p.documents
    ]
    graded = [c for c in dataset.challenges if c.id in dataset.judgments]
    queries = [document_text(c.title or "", c.text) for c in graded]
    sims = {}
    for name in ("use", "minilm"):
        embedder = make_embedder(name, cache_path=cache)
        sims[name] = (
            embedder.embed_queries(queries) @ embedder.embed_documents([t for _, t in docs]).T
        )
    return Embedded(
        dataset,
        [pid for pid, _ in docs],
        [t for _, t in docs],
        [is_english(t) for _, t in docs],
        queries,
        [is_english(q) for q in queries],
        sims["use"].astype(np.float64),
        sims["minilm"].astype(np.float64),
    )


def calibration(sets: list[Embedded]) -> tuple[float, float]:
    """Scale and shift mapping English-model cosines onto the multilingual model's (en–en pairs)."""
    use: list[np.ndarray] = []
    minilm: list[np.ndarray] = []
    for e in sets:
        mask = np.outer(e.query_english, e.doc_english)
        use.append(e.use[mask])
        minilm.append(e.minilm[mask])
    u, m = np.concatenate(use), np.concatenate(minilm)
    scale = float(u.std() / m.std())
    return scale, float(u.mean() - scale * m.mean())


def evaluate(e: Embedded, config: ScoringConfig) -> Mapping[str, float]:
    """nDCG@10, MRR and pairwise loss by profile of one configuration."""
    graded = [c for c in e.dataset.challenges if c.id in e.dataset.judgments]
    profile_index = {p.id: i for i, p in enumerate(e.dataset.profiles)}
    rankings: dict[str, list[str]] = {}
    scores: dict[tuple[str, str], float] = {}
    for qi, challenge in enumerate(graded):
        docs: dict[str, list[EvidenceDoc]] = {p.id: [] for p in e.dataset.profiles}
        for di, owner in enumerate(e.doc_owner):
            both = e.query_english[qi] and e.doc_english[di]
            docs[owner].append(
                EvidenceDoc(
                    document_id=di,
                    kind="other",
                    title="",
                    body=e.doc_texts[di],
                    dense=float(e.use[qi, di]),
                    dense_english=float(e.minilm[qi, di]) if both else None,
                )
            )
        candidates = [
            Candidate(
                person_id=profile_index[p.id],
                person_name=p.id,
                person_role="",
                email="",
                organisation_id=profile_index[p.id],
                organisation_name=p.id,
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
                documents=docs[p.id],
            )
            for p in e.dataset.profiles
        ]
        query = ChallengeQuery(
            text=e.query_texts[qi],
            kind=None,
            organisation_id=None,
            sector_code=None,
            province=None,
            hours_needed=None,
            starts_on=None,
            needed_by=None,
        )
        scored = score_candidates(
            query,
            candidates,
            query_lexemes=(),
            stats=LexicalStats(0, {}),
            today=TODAY,
            config=config,
        )
        ranked = rank(scored, top=len(scored), config=config)
        rankings[challenge.id] = [s.candidate.person_name for s in ranked]
        for s in scored:
            scores[(challenge.id, s.candidate.person_name)] = s.score
    metrics, _ = metrics_from(rankings, scores, e.dataset.judgments)
    return metrics


def variants() -> dict[str, ScoringConfig]:
    """The directions, one at a time on the old default, then the new default and its ablation."""
    new = ScoringConfig()
    old = replace(new, english_dense_weight=0.0, evidence_share=0.0, dense_centre=None)
    routed = replace(old, english_dense_weight=1.0, english_lexical_weight=1.0)
    return {
        "before: USE only, n-gram cosine, top 3 (decay 0.5)": old,
        "+ MiniLM for en–en pairs, raw cosine": replace(routed, english_scale=1.0),
        "+ MiniLM for en–en pairs, scaled 0.8": routed,
        "+ blend 0.5 of both for en–en pairs": replace(routed, english_dense_weight=0.5),
        "+ saturating (BM25-style) n-grams": replace(old, lexical_saturation=True),
        "+ no lexical evidence": replace(old, use_lexical=False),
        "+ top k grows to half the documents": replace(old, evidence_share=0.5),
        "+ mean of top 3": replace(old, evidence_decay=1.0),
        "+ top 5 (decay 0.7)": replace(old, top_k=5, evidence_decay=0.7),
        "+ dense centred per challenge": replace(old, dense_centre=0.1),
        "routing + half lexical weight for en–en": replace(routed, english_lexical_weight=0.5),
        "**new default**: routing (0.8), half lexical for en–en, k share 0.5, centring": new,
        "new default, without routing": new.without("english"),
        "new default, without centring": new.without("centring"),
        "new default, full lexical weight for en–en": replace(new, english_lexical_weight=1.0),
        "new default, top k fixed at 3": replace(new, evidence_share=0.0),
        "new default, with saturating n-grams": replace(new, lexical_saturation=True),
        "plain USE cosine, mean of 3 best": replace(old, use_lexical=False, evidence_decay=1.0),
        "plain MiniLM cosine, mean of 3 best": replace(
            routed, use_lexical=False, evidence_decay=1.0, english_scale=1.0
        ),
    }


def main() -> None:
    """Print the ablation tables (and write them with --write PATH)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("datasets", nargs="*", type=Path)
    parser.add_argument("--write", type=Path, help="also write the Markdown to this file")
    args = parser.parse_args()
    configure_logging("WARNING")
    cache = Settings().embedding_cache_path
    paths = args.datasets or DEFAULTS
    sets = [embed(load_dataset(p), cache) for p in paths]
    scale, shift = calibration(sets)
    lines = [
        "# English routing, lexical evidence and aggregation: offline ablation (issue 12 §2)",
        "",
        "Regenerate with `python benchmarks/english_routing.py --write "
        "benchmarks/results/english_routing.md`. The production scorer on in-memory "
        "candidates (no organisations, sectors or regions; see the script's docstring); "
        "`benchmarks/results/quality.md` has the production figures of the default.",
        "",
        f"Moment-matching MiniLM onto USE over the English pairs would give scale "
        f"{scale:.3f}, shift {shift:+.3f}; not used: on the Dutch benchmark's English pairs "
        "it cost 0.04 nDCG (English documents then outscore Dutch ones for English "
        "challenges). A scale of 0.8 without shift keeps the Dutch figures.",
        "",
    ]
    print("\n".join(lines), flush=True)
    configs = variants()
    for path, e in zip(paths, sets, strict=True):
        block = [
            f"## {path.name}",
            "",
            "| configuration | nDCG@10 | MRR | loss by profile |",
            "| --- | ---: | ---: | ---: |",
        ]
        for name, config in configs.items():
            m = evaluate(e, config)
            block.append(
                f"| {name} | {m['ndcg@10']:.3f} | {m['mrr']:.3f} "
                f"| {m['pairwise_loss_by_profile']:.3f} |"
            )
        block.append("")
        print("\n".join(block), flush=True)
        lines += block
    if args.write is not None:
        args.write.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
