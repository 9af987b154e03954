"""Small helpers for the SQL the storage modules write: partial updates, rows to records,
lookups by external reference, rows affected."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import asyncpg

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class SetClause:
    """`col = $n, …` for an UPDATE, the values for those parameters and each column's $n."""

    sql: str = ""
    args: list[object] = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.args)


def set_clause(values: Mapping[str, object], *, columns: Collection[str], first: int) -> SetClause:
    """The SET list for values whose keys are columns, numbering parameters from $first.

    Column names come from the caller's code, never from input: a key outside columns is a
    programming error (ValueError), and every value travels as a parameter.
    """
    unknown = [name for name in values if name not in columns]
    if unknown:
        raise ValueError(f"not an updatable column: {', '.join(unknown)}")
    params = {name: f"${first + i}" for i, name in enumerate(values)}
    return SetClause(
        sql=", ".join(f"{name} = {param}" for name, param in params.items()),
        args=list(values.values()),
        params=params,
    )


def record(make: Callable[..., R], row: asyncpg.Record, **converted: object) -> R:
    """A record from a row whose columns are named as its fields; converted replaces a few.

    Numerics are cast to float8 and json decoded by the connection's codec, so most rows need
    no conversion at all.
    """
    return make(**{**dict(row), **converted})


# Tables whose rows carry an external reference (demo data, loaded datasets).
_REFERENCED_TABLES = frozenset(
    {"organisation", "person", "challenge", "event", "project", "knowledge_network"}
)


async def id_by_ref(conn: asyncpg.Connection, table: str, external_ref: str) -> int | None:
    """The id of the row of table with this external reference, if any."""
    if table not in _REFERENCED_TABLES:
        raise ValueError(f"no external references in table {table!r}")
    value = await conn.fetchval(f"SELECT id FROM {table} WHERE external_ref = $1", external_ref)
    return int(value) if value is not None else None


def rows_affected(status: str) -> int:
    """How many rows a command changed, from its status string ('UPDATE 3', 'INSERT 0 1')."""
    count = status.rsplit(" ", 1)[-1]
    if not count.isdigit():
        raise ValueError(f"no row count in status {status!r}")
    return int(count)
