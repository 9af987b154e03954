"""One settings object, read from the environment (prefix MATCHER_)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
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
    english_model: str = Field(
        default="minilm",
        description="English model paired with multilingual USE: English texts also get its "
        "vector, used when a challenge and a document are both English ('none' switches it "
        "off; ignored when embedding_model is not USE).",
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
    embed_lease_seconds: int = Field(
        default=300, ge=1, description="A claimed text returns to the queue after this long."
    )
    job_time_zone: str = Field(
        default="Europe/Amsterdam", description="Time zone the job schedules are read in."
    )
    # Cron expressions (minute hour day month weekday); empty switches a schedule off. Only
    # jobs the worker has a function for are scheduled.
    schedule_member_digest: str = "0 7 * * 1"
    schedule_manager_digest: str = "30 7 * * 1"
    schedule_introduction_reminders: str = "0 9 * * *"
    schedule_reranker_training: str = "15 3 * * *"
    schedule_assignment_round: str = "0 23 * * 0"
    schedule_lexeme_fold: str = "*/10 * * * *"
    suggestions_stored: int = Field(default=10, ge=1, le=50)
    proposals_within_hours: bool = Field(
        default=True,
        description="Between assignment rounds, a new challenge's proposals respect the hours "
        "people have left (false: its top suggestions, whatever their hours).",
    )
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
    smtp_url: SecretStr | None = Field(
        default=None,
        description="smtp://user:pass@host:587 (STARTTLS when offered) or smtps://host:465; "
        "unset starts a loopback SMTP server that stores .eml files under data_dir/mail.",
    )
    mail_from: str = Field(default="programmabureau@noord-matcher.invalid")
    mail_from_name: str = Field(default="Programmabureau ledennetwerk Noord")
    manager_email: str = Field(default="programmamanager@noord-matcher.invalid")
    public_url: str = Field(
        default="http://127.0.0.1:8000", description="Base URL of links in mail."
    )
    mail_max_attempts: int = Field(default=8, ge=1, le=100)
    mail_retry_seconds: float = Field(default=30.0, gt=0, description="First retry delay.")
    mail_lease_seconds: float = Field(
        default=300.0, gt=0, description="How long a claimed message waits for its sender."
    )

    @field_validator("job_time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator(
        "schedule_member_digest",
        "schedule_manager_digest",
        "schedule_introduction_reminders",
        "schedule_reranker_training",
        "schedule_assignment_round",
        "schedule_lexeme_fold",
    )
    @classmethod
    def _cron_or_empty(cls, value: str) -> str:
        from croniter import croniter

        value = value.strip()
        if value and not croniter.is_valid(value):
            raise ValueError(f"not a cron expression (minute hour day month weekday): {value!r}")
        return value

    @property
    def embedded_database_dir(self) -> Path:
        """Where the embedded PostgreSQL keeps its data."""
        return self.data_dir / "pg"

    @property
    def mail_dir(self) -> Path:
        """Where the loopback SMTP server stores the messages it accepted."""
        return self.data_dir / "mail"

    @property
    def embedding_cache_path(self) -> Path:
        """SQLite file caching vectors by (model, text hash)."""
        return self.data_dir / "embedding-cache.sqlite3"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests clear the cache or pass their own."""
    return Settings()
