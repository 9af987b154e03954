"""One settings object, read from the environment (prefix MATCHER_)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Service configuration; every field can be set as MATCHER_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="MATCHER_", extra="ignore")

    database_url: SecretStr | None = Field(
        default=None, description="PostgreSQL URL; unset starts the embedded server."
    )
    data_dir: Path = Field(default=Path(".data"), description="Embedded database and caches.")
    embedding_model: str | None = Field(
        default=None,
        description="Embedding backend: unset for multilingual USE v3 (the best offline backend "
        "on our Dutch benchmark), 'minilm' for the packaged all-MiniLM-L6-v2, or any "
        "sentence-transformers model name or local path.",
    )
    query_prefix: str | None = None
    document_prefix: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    embed_in_process: bool = Field(
        default=True, description="Run the embedding worker inside the API process."
    )
    embed_batch_size: int = Field(default=64, ge=1, le=1024)
    embed_max_attempts: int = Field(default=6, ge=1)
    suggestions_stored: int = Field(default=10, ge=1, le=50)
    cookie_secure: bool = True
    max_body_bytes: int = Field(
        default=1_000_000, ge=1024, description="Larger request bodies get 413 unread."
    )
    db_connect_timeout: float = Field(default=5.0, gt=0, description="Seconds to connect.")
    db_command_timeout: float = Field(
        default=30.0, gt=0, description="Seconds the client waits for one statement."
    )
    db_statement_timeout: float = Field(
        default=25.0, gt=0, description="Seconds the server lets one statement run."
    )
    health_timeout: float = Field(
        default=0.8, gt=0, le=5, description="Seconds /health waits for the database."
    )
    rate_limit: str = Field(
        default="120/minute;20/second",
        description="Per-key limit on expensive routes (suggestions, review queue, sign-in), "
        "in the notation of the limits library; empty turns it off.",
    )
    log_level: str = "INFO"
    log_json: bool = False

    @property
    def embedded_database_dir(self) -> Path:
        """Where the embedded PostgreSQL keeps its data."""
        return self.data_dir / "pg"

    @property
    def embedding_cache_path(self) -> Path:
        """SQLite file caching vectors by (model, text hash)."""
        return self.data_dir / "embedding-cache.sqlite3"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests clear the cache or pass their own."""
    return Settings()
