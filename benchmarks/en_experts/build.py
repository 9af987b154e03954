"""Build the en_experts benchmark from its hand-written source texts (deterministic).

    python benchmarks/en_experts/build.py

Reads ``source/*.txt`` (one file per cluster of neighbouring fields) and writes
``profiles.jsonl``, ``challenges.jsonl`` and ``judgments.tsv`` next to this script. How the
texts were written and how abstracts and grades are put together: README.md.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 12

METHOD_TEMPLATES = (
    "We combine {0} with {1}.",
    "The approach couples {0} and {1}.",
    "Our analysis relies on {0}, complemented by {1}.",
    "To this end we use {0} together with {1}.",
    "Methodologically, the work builds on {0} and on {1}.",
)
FINDING_TEMPLATES = (
    "{0}",
    "Our main result is clear: {0}",
    "In short, {0}",
)
CLOSINGS = (
    "These results provide a basis for better informed decisions in practice.",
    "We discuss the limitations of the study and the data needed to overcome them.",
    "The findings are relevant for practitioners as well as for future research.",
    "We conclude with recommendations for monitoring and for the design of follow-up studies.",
    "Open questions remain about how well the results transfer to other settings.",
    "The methods are general and can be applied to comparable problems elsewhere.",
    "All code and processed data are made available to support reproducibility.",
    "Implications for policy and for the planning of future measurements are discussed.",
)


@dataclass
class Expert:
    """One expert's texts from the source file."""

    id: str
    field: str
    cluster: str
    seeds: list[str] = field(default_factory=list)
    pure: str = ""
    mixed: tuple[str, str] = ("", "")
    methods: list[str] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    skill: str = ""


@dataclass
class Cluster:
    """Background and method sentences shared by a cluster's experts (the hard distractors)."""

    id: str
    name: str
    background: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)


def parse(paths: list[Path]) -> tuple[dict[str, Cluster], dict[str, Expert]]:
    """Clusters and experts from the source files."""
    clusters: dict[str, Cluster] = {}
    experts: dict[str, Expert] = {}
    for path in paths:
        cluster: Cluster | None = None
        expert: Expert | None = None
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if not line:
                continue
            if line.startswith("== cluster "):
                key, name = (s.strip() for s in line.removeprefix("== cluster ").split("|"))
                cluster = clusters[key] = Cluster(key, name)
                expert = None
                continue
            if line.startswith("== expert "):
                key, name = (s.strip() for s in line.removeprefix("== expert ").split("|"))
                assert cluster is not None
                expert = experts[key] = Expert(key, name, cluster.id)
                continue
            tag, _, text = line.partition(": ")
            if expert is None:
                assert cluster is not None
                {"bg": cluster.background, "cm": cluster.methods}[tag].append(text)
            elif tag == "seed":
                expert.seeds.append(text)
            elif tag == "pure":
                expert.pure = text
            elif tag.startswith("mixed "):
                expert.mixed = (tag.removeprefix("mixed "), text)
            elif tag == "skill":
                expert.skill = text
            else:
                {"method": expert.methods, "data": expert.data, "finding": expert.findings}[
                    tag
                ].append(text)
    return clusters, experts


def profile_abstract(rng: random.Random, expert: Expert, cluster: Cluster, seed: str) -> str:
    """Background, the study itself, methods, data, a finding and a closing remark."""
    m0, m1 = rng.sample(expert.methods, 2)
    d0, d1 = rng.sample(expert.data, 2)
    f0, f1 = rng.sample(expert.findings, 2)
    parts = [
        rng.choice(cluster.background),
        seed,
        rng.choice(METHOD_TEMPLATES).format(m0, m1),
        d0,
        rng.choice(cluster.methods),
        d1,
        rng.choice(FINDING_TEMPLATES).format(f0[0].lower() + f0[1:]),
        "We also find that " + f1[0].lower() + f1[1:],
        rng.choice(CLOSINGS),
    ]
    text = " ".join(parts)
    return text[0].upper() + text[1:]


def challenge_abstract(rng: random.Random, cluster: Cluster, core: list[str]) -> str:
    """A challenge: cluster background, its own study (no phrase of any profile), closing."""
    first, second = rng.sample(cluster.background, 2)
    method, other_method = rng.sample(cluster.methods, 2)
    closing, other_closing = rng.sample(CLOSINGS, 2)
    return " ".join([first, *core, method, second, other_method, closing, other_closing])


def build() -> tuple[list[dict[str, object]], list[dict[str, object]], list[tuple[str, str, int]]]:
    """Profiles, challenges and graded judgments."""
    clusters, experts = parse(sorted((HERE / "source").glob("*.txt")))
    rng = random.Random(SEED)
    profiles = [
        {
            "id": e.id,
            "name": None,
            "lang": "en",
            "field": e.field,
            "cluster": clusters[e.cluster].name,
            "documents": [
                {"id": f"{e.id}-d{i + 1}", "text": profile_abstract(rng, e, clusters[e.cluster], s)}
                for i, s in enumerate(e.seeds)
            ],
        }
        for e in experts.values()
    ]
    challenges: list[dict[str, object]] = []
    judgments: list[tuple[str, str, int]] = []

    def grade(cid: str, grades: dict[str, int]) -> None:
        for pid, g in sorted(grades.items()):
            judgments.append((cid, pid, g))

    # Who works with whom: an expert is a partner of the expert their mixed challenge needs,
    # and the reverse.
    partners: dict[str, set[str]] = {e.id: set() for e in experts.values()}
    for e in experts.values():
        partners[e.id].add(e.mixed[0])
        partners[e.mixed[0]].add(e.id)

    def mates(*owners: Expert) -> dict[str, int]:
        """The owners' cluster neighbours: judged, and graded 0 (they share only words)."""
        wanted = {o.cluster for o in owners}
        return {o.id: 0 for o in experts.values() if o.cluster in wanted}

    for e in experts.values():
        cid = f"{e.id}-pure"
        text = challenge_abstract(rng, clusters[e.cluster], [e.pure])
        challenges.append({"id": cid, "text": text, "lang": "en", "kind_of_test": "pure"})
        grade(cid, mates(e) | {p: 1 for p in partners[e.id]} | {e.id: 3})
    for e in experts.values():
        other = experts[e.mixed[0]]
        cid = f"{e.id}-with-{other.id}"
        text = challenge_abstract(rng, clusters[e.cluster], [e.mixed[1], other.skill])
        challenges.append({"id": cid, "text": text, "lang": "en", "kind_of_test": "mixed"})
        grade(cid, mates(e, other) | {other.id: 2, e.id: 3})
    return profiles, challenges, judgments


def main() -> None:
    """Write the three files."""
    profiles, challenges, judgments = build()
    with (HERE / "profiles.jsonl").open("w", encoding="utf-8") as f:
        for p in profiles:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    with (HERE / "challenges.jsonl").open("w", encoding="utf-8") as f:
        for c in challenges:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    with (HERE / "judgments.tsv").open("w", encoding="utf-8") as f:
        f.write("challenge_id\tprofile_id\tgrade\n")
        for cid, pid, g in judgments:
            f.write(f"{cid}\t{pid}\t{g}\n")
    words = [len(str(d["text"]).split()) for p in profiles for d in p["documents"]]  # type: ignore[attr-defined]
    cwords = [len(str(c["text"]).split()) for c in challenges]
    print(
        f"{len(profiles)} experts, {len(words)} abstracts "
        f"({min(words)}-{max(words)} words, mean {sum(words) / len(words):.0f}), "
        f"{len(challenges)} challenges ({min(cwords)}-{max(cwords)} words)"
    )


if __name__ == "__main__":
    main()
