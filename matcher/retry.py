"""Which database errors mean "run the transaction again", and how often we do."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from matcher.logging import get_logger

log = get_logger(__name__)

T = TypeVar("T")

MAX_ATTEMPTS = 4
"""A transaction is tried at most this many times before the caller gets the error."""

# serialization_failure, deadlock_detected: PostgreSQL rolled the transaction back and a
# fresh attempt sees the other transaction's committed result.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


def is_retryable(exc: BaseException) -> bool:
    """True for a serialization failure or a detected deadlock (SQLSTATE 40001, 40P01)."""
    return getattr(exc, "sqlstate", None) in RETRYABLE_SQLSTATES


async def retrying(
    work: Callable[[], Awaitable[T]],
    *,
    attempts: int = MAX_ATTEMPTS,
    may_retry: Callable[[BaseException], bool] = is_retryable,
) -> T:
    """Run work (one whole transaction) again after a retryable rollback, a bounded number of times."""
    for attempt in range(1, attempts + 1):
        try:
            return await work()
        except Exception as exc:
            if not may_retry(exc) or attempt == attempts:
                raise
            log.warning("transaction rolled back; trying again", attempt=attempt, error=repr(exc))
            await asyncio.sleep(0.01 * attempt)
    raise AssertionError("unreachable")  # pragma: no cover
