"""What the English model costs a worker or service process: load time, memory, embedding speed.

    python benchmarks/english_model_cost.py

In one fresh process: the multilingual USE embedder is loaded and embeds the English
abstracts of ``benchmarks/en_experts`` (what every process did before), then the paired
English model (all-MiniLM-L6-v2 through sentence-transformers) is loaded and embeds the same
texts. Prints resident memory (VmRSS) after each step, load times and texts per second. No
vector cache: every text is really embedded.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from embeddings.factory import make_embedder
from embeddings.paired import english_model

ROOT = Path(__file__).resolve().parent


def rss_mb() -> float:
    """Resident memory of this process in MB."""
    with open("/proc/self/status", encoding="utf-8") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    """Measure and print."""
    texts = [
        d["text"]
        for line in (ROOT / "en_experts" / "profiles.jsonl").read_text().splitlines()
        for d in json.loads(line)["documents"]
    ]
    print(f"{len(texts)} English abstracts, {os.cpu_count()} CPU cores")
    print(f"start: {rss_mb():.0f} MB")
    paired = make_embedder("use", english="minilm", use_cache=False)
    english = english_model(paired)
    assert english is not None
    t = time.perf_counter()
    paired.embed_documents(texts[:1])
    print(f"USE loaded in {time.perf_counter() - t:.1f} s: {rss_mb():.0f} MB")
    t = time.perf_counter()
    paired.embed_documents(texts)
    use_seconds = time.perf_counter() - t
    print(f"USE: {len(texts) / use_seconds:.0f} texts/s: {rss_mb():.0f} MB")
    before = rss_mb()
    t = time.perf_counter()
    english.embed_documents(texts[:1])
    print(
        f"MiniLM (torch) loaded in {time.perf_counter() - t:.1f} s: {rss_mb():.0f} MB "
        f"(+{rss_mb() - before:.0f} MB)"
    )
    t = time.perf_counter()
    english.embed_documents(texts)
    minilm_seconds = time.perf_counter() - t
    print(
        f"MiniLM: {len(texts) / minilm_seconds:.0f} texts/s: {rss_mb():.0f} MB "
        f"(+{rss_mb() - before:.0f} MB over USE alone)"
    )
    print(
        f"embedding an English text costs {(use_seconds + minilm_seconds) / use_seconds:.1f}x "
        "the time of USE alone; Dutch texts only run the language check"
    )


if __name__ == "__main__":
    main()
