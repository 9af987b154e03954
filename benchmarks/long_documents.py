"""Make a synthetic long-document dataset for timing `matcher eval` (not for quality).

    python benchmarks/long_documents.py OUT_DIR [--profiles 58] [--documents 856]
        [--challenges 463] [--words 200] [--seed 7]

Shaped like the data in issue 12: expert profiles of many ~200-word English abstracts,
challenges that are other abstracts, graded judgments. The text is generated from per-topic
word lists, so it is only good for measuring time; quality figures on it mean nothing.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

_COMMON = [
    "we",
    "study",
    "the",
    "effect",
    "of",
    "a",
    "new",
    "method",
    "on",
    "data",
    "from",
    "several",
    "experiments",
    "and",
    "show",
    "that",
    "results",
    "improve",
    "over",
    "previous",
    "work",
    "while",
    "the",
    "approach",
    "remains",
    "simple",
    "robust",
    "and",
    "general",
    "our",
    "analysis",
    "suggests",
    "further",
    "research",
    "is",
    "needed",
    "to",
    "confirm",
    "these",
    "findings",
    "in",
    "practice",
]
_STEMS = [
    "quant",
    "graph",
    "neur",
    "lattice",
    "spectr",
    "catal",
    "membran",
    "protein",
    "genom",
    "climat",
    "ocean",
    "sediment",
    "polymer",
    "photon",
    "magnet",
    "plasma",
    "turbul",
    "fluid",
    "optim",
    "stochast",
    "bayes",
    "causal",
    "tensor",
    "manifold",
    "enzym",
    "microb",
    "soil",
    "aerosol",
    "seism",
    "glaci",
    "urban",
    "transit",
    "market",
]
_ENDINGS = ("ation", "ics", "ology", "al", "ity", "ive", "ometry", "ase", "oid", "ism")


def _topic_words(rng: random.Random, stem: str) -> list[str]:
    return [stem + rng.choice(_ENDINGS) + rng.choice(("", "s", "ic", "ed")) for _ in range(40)]


def _abstract(rng: random.Random, topics: list[list[str]], main: int, words: int) -> str:
    own = topics[main]
    other = topics[rng.randrange(len(topics))]
    chosen = [
        rng.choice(own) if r < 0.45 else rng.choice(other) if r < 0.55 else rng.choice(_COMMON)
        for r in (rng.random() for _ in range(words))
    ]
    sentences = [" ".join(chosen[i : i + 20]) for i in range(0, len(chosen), 20)]
    return ". ".join(s[:1].upper() + s[1:] for s in sentences) + "."


def generate(
    out: Path, *, profiles: int, documents: int, challenges: int, words: int, seed: int
) -> None:
    """Write profiles.jsonl, challenges.jsonl and judgments.tsv into ``out``."""
    rng = random.Random(seed)
    topics = [_topic_words(rng, stem) for stem in _STEMS]
    profile_topic = [rng.randrange(len(topics)) for _ in range(profiles)]
    out.mkdir(parents=True, exist_ok=True)
    with (out / "profiles.jsonl").open("w", encoding="utf-8") as f:
        for p in range(profiles):
            count = documents // profiles + (1 if p < documents % profiles else 0)
            docs = [
                {
                    "id": f"e{p:03d}-d{d}",
                    "title": f"Study {p}.{d}",
                    "text": _abstract(rng, topics, profile_topic[p], words),
                }
                for d in range(count)
            ]
            f.write(json.dumps({"id": f"e{p:03d}", "documents": docs}) + "\n")
    with (
        (out / "challenges.jsonl").open("w", encoding="utf-8") as f,
        (out / "judgments.tsv").open("w", encoding="utf-8") as j,
    ):
        j.write("challenge_id\tprofile_id\tgrade\n")
        for c in range(challenges):
            topic = rng.randrange(len(topics))
            text = _abstract(rng, topics, topic, words)
            f.write(json.dumps({"id": f"q{c:03d}", "text": text}) + "\n")
            for p, t in enumerate(profile_topic):
                grade = 3 if t == topic else (1 if rng.random() < 0.05 else 0)
                j.write(f"q{c:03d}\te{p:03d}\t{grade}\n")


def main() -> None:
    """Parse the arguments and write the dataset."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--profiles", type=int, default=58)
    parser.add_argument("--documents", type=int, default=856)
    parser.add_argument("--challenges", type=int, default=463)
    parser.add_argument("--words", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(
        args.out,
        profiles=args.profiles,
        documents=args.documents,
        challenges=args.challenges,
        words=args.words,
        seed=args.seed,
    )


if __name__ == "__main__":
    main()
