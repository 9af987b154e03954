"""Per-key rate limits on the expensive routes, with the `limits` library (in memory)."""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Depends, Request
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from api.deps import CurrentPrincipal
from matcher.errors import RateLimited


class RateLimiter:
    """Moving-window limits per (route family, caller); one instance per app process."""

    def __init__(self, spec: str) -> None:
        self.items: list[RateLimitItem] = parse_many(spec) if spec.strip() else []
        self.strategy = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, family: str, caller: str) -> None:
        """Count one request; RateLimited with the seconds to wait when over a limit."""
        for item in self.items:
            if not self.strategy.hit(item, family, caller):
                stats = self.strategy.get_window_stats(item, family, caller)
                wait = max(1, math.ceil(stats.reset_time - time.time()))
                raise RateLimited(
                    f"too many requests for {family} from this key ({item}); try again in {wait} s",
                    retry_after=wait,
                )


def limiter_of(request: Request) -> RateLimiter:
    """The app's limiter."""
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


def per_key(family: str) -> Callable[..., Awaitable[None]]:
    """A dependency counting the caller's key against the limits of a route family."""

    async def check(request: Request, principal: CurrentPrincipal) -> None:
        limiter_of(request).hit(family, f"key:{principal.key_id}")

    return check


def throttle_sign_in(request: Request, key: str) -> None:
    """Sign-in attempts count per client address and per key prefix tried."""
    limiter = limiter_of(request)
    host = request.client.host if request.client else "unknown"
    limiter.hit("sign-in", f"host:{host}")
    limiter.hit("sign-in", f"prefix:{key.split('_')[1] if key.count('_') == 2 else key[:16]}")


def throttled(family: str) -> Any:
    """Depends(...) for a route's dependencies list."""
    return Depends(per_key(family))
