"""One Settings class, read from the environment (prefix ``LEDGER_``) at the entry points only.

The embedded default needs nothing set: a SQLite file ``./ledger.db`` and in-process workers.
"""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEDGER_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./ledger.db",
        description="Event store and read models: sqlite:///PATH (embedded default) or postgresql://user:pw@host:port/db.",
    )
    redis_url: str | None = Field(default=None, description="Redis for dramatiq workers; unset = in-process.")
    host: str = Field(default="127.0.0.1", description="Address `ledger serve` binds to (loopback by default).")
    port: int = Field(default=8000, ge=1, le=65535)
    request_body_bytes_max: int = Field(
        default=32 * 1024 * 1024,
        ge=1024,
        description="Largest request body accepted; a full 10,000-event batch is about 5 MiB.",
    )
    pseudonym_key: SecretStr | None = Field(
        default=None,
        description=(
            "HMAC key pseudonymising resident identity numbers (at least 16 characters). Required with "
            "PostgreSQL; on the SQLite default a random key is created beside the database file when unset."
        ),
    )
    import_batch_events: int = Field(
        default=1000, ge=1, le=10_000, description="Events per atomic batch in `ledger import`."
    )


def sqlalchemy_url(database_url: str) -> str:
    """The SQLAlchemy URL of the same database (psycopg 3 driver for PostgreSQL)."""
    for prefix in ("postgresql://", "postgres://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix) :]
    return database_url


def redacted_url(database_url: str) -> str:
    """The database URL fit to print: its password (and any query parameter named like one) masked."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(sqlalchemy_url(database_url))
    except ArgumentError:
        return "(a database URL that could not be read)"
    query = {name: ("***" if "pass" in name.lower() else value) for name, value in url.query.items()}
    return url.set(query=query).render_as_string(hide_password=True)
