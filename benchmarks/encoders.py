"""Plain dense baselines of the two packaged encoders, and routing or averaging them.

    python benchmarks/encoders.py [DATASET_DIR ...]   (default: nl_matching and en_longdoc)

An experiment for issue 12, outside the service: every expert is scored by the mean cosine
of their three best documents (no lexical evidence, no factors), with USE, with MiniLM,
with the mean of both after z-normalising each challenge's similarities, and with MiniLM
routed to English–English pairs only (USE elsewhere, z-normalised). It tells whether
storing a second vector per text would pay; the service itself uses one encoder.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

from embeddings.factory import make_embedder
from matcher.evaluation.dataset import Dataset, load_dataset
from matcher.evaluation.runner import metrics_from
from matcher.logging import configure_logging
from matcher.records import document_text
from matcher.settings import Settings

ROOT = Path(__file__).resolve().parent
DEFAULTS = [ROOT / "nl_matching", ROOT / "en_longdoc"]


def _z(values: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    data = values.astype(np.float64)
    return (data - data.mean(axis=1, keepdims=True)) / data.std(axis=1, keepdims=True)


def variants(dataset: Dataset, cache: Path) -> dict[str, dict[tuple[str, str], float]]:
    """Scores per (challenge, profile) for each way of using the encoders."""
    docs = [
        (p.id, p.extra.get("lang"), document_text(d.title or "", d.text))
        for p in dataset.profiles
        for d in p.documents
    ]
    graded = [c for c in dataset.challenges if c.id in dataset.judgments]
    queries = [document_text(c.title or "", c.text) for c in graded]
    sims: dict[str, npt.NDArray[np.float32]] = {}
    for name in ("use", "minilm"):
        embedder = make_embedder(name, cache_path=cache)
        doc_vecs = embedder.embed_documents([text for _, _, text in docs])
        sims[name] = embedder.embed_queries(queries) @ doc_vecs.T
    english = np.outer(
        [c.extra.get("lang") == "en" for c in graded], [lang == "en" for _, lang, _ in docs]
    )
    matrices = {
        "use": sims["use"].astype(np.float64),
        "minilm": sims["minilm"].astype(np.float64),
        "mean of both (z)": (_z(sims["use"]) + _z(sims["minilm"])) / 2,
        "minilm for en-en pairs (z)": np.where(english, _z(sims["minilm"]), _z(sims["use"])),
    }
    owner = np.array([pid for pid, _, _ in docs])
    out: dict[str, dict[tuple[str, str], float]] = {}
    for name, matrix in matrices.items():
        scores: dict[tuple[str, str], float] = {}
        for row, challenge in zip(matrix, graded, strict=True):
            for profile in dataset.profiles:
                best = np.sort(row[owner == profile.id])[::-1][:3]
                scores[(challenge.id, profile.id)] = float(best.mean())
        out[name] = scores
    return out


def main() -> None:
    """Print nDCG@10, MRR and the pairwise loss by profile per dataset and variant."""
    configure_logging("WARNING")
    cache = Settings().embedding_cache_path
    for path in [Path(a) for a in sys.argv[1:]] or DEFAULTS:
        dataset = load_dataset(path)
        for name, scores in variants(dataset, cache).items():
            rankings = {
                cid: sorted(
                    (p.id for p in dataset.profiles), key=lambda pid, c=cid: -scores[(c, pid)]
                )
                for cid in dataset.judgments
            }
            m, _ = metrics_from(rankings, scores, dataset.judgments)
            print(
                f"{path.name:12s} {name:28s} nDCG@10 {m['ndcg@10']:.3f}  MRR {m['mrr']:.3f}  "
                f"loss by profile {m['pairwise_loss_by_profile']:.3f}"
            )


if __name__ == "__main__":
    main()
