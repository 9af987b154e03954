"""A lazily built model is built once, however many threads ask for it at the same time."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from embeddings.lazy import LazyModel


def test_many_threads_share_one_build() -> None:
    builds: list[int] = []
    start = threading.Barrier(8)

    def build() -> object:
        builds.append(1)
        time.sleep(0.05)  # long enough for the other threads to arrive while it builds
        return object()

    lazy: LazyModel[object] = LazyModel(build, model_id="test")
    assert not lazy.loaded

    def ask() -> object:
        start.wait()
        return lazy.get()

    with ThreadPoolExecutor(max_workers=8) as pool:
        models = list(pool.map(lambda _: ask(), range(8)))
    assert len(builds) == 1
    assert all(m is models[0] for m in models)
    assert lazy.loaded and lazy.get() is models[0]


def test_a_failed_build_is_tried_again() -> None:
    attempts: list[int] = []

    def build() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("weights not readable yet")
        return "model"

    lazy: LazyModel[str] = LazyModel(build, model_id="test")
    with pytest.raises(OSError, match="not readable"):
        lazy.get()
    assert not lazy.loaded
    assert lazy.get() == "model"
    assert len(attempts) == 2
