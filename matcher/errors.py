"""Domain errors; the API maps them to problem responses in one place."""

from __future__ import annotations


class MatcherError(Exception):
    """Base of every error the domain raises on purpose."""

    code = "matcher_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFound(MatcherError):
    """The record does not exist, or the caller may not know it exists."""

    code = "not_found"


class AlreadyExists(MatcherError):
    """A record with the same natural key exists."""

    code = "already_exists"


class Conflict(MatcherError):
    """The request conflicts with the record's current state."""

    code = "conflict"


class InvalidInput(MatcherError):
    """Input that passed the schema but breaks a domain rule."""

    code = "invalid_input"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.field = field


class Unauthorized(MatcherError):
    """No key, or a key we do not know."""

    code = "unauthorized"


class Forbidden(MatcherError):
    """A known key whose role may not do this."""

    code = "forbidden"


class DatasetError(MatcherError):
    """A labelled dataset is not in the expected format; names the file and line."""

    code = "dataset_error"


class SchemaMissing(MatcherError):
    """The database has no schema yet: its migrations have not run."""

    code = "schema_missing"


class RateLimited(MatcherError):
    """Too many requests from one key on an expensive route."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
