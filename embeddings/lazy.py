"""A model built on first use: at most once per instance, safely from many threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

import structlog

T = TypeVar("T")

_log = structlog.get_logger(__name__)


class LazyModel(Generic[T]):
    """Builds its model on the first get() (one thread builds, the others wait) and logs it."""

    def __init__(self, build: Callable[[], T], *, model_id: str) -> None:
        self._build = build
        self._model_id = model_id
        self._model: T | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Whether the model has been built."""
        return self._model is not None

    def get(self) -> T:
        """The model, built now if this is the first call."""
        model = self._model
        if model is not None:  # the common case takes no lock
            return model
        with self._lock:
            if self._model is None:
                started = time.perf_counter()
                self._model = self._build()
                _log.info(
                    "embedding_model_loaded",
                    model_id=self._model_id,
                    seconds=round(time.perf_counter() - started, 2),
                )
            return self._model
