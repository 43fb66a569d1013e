"""Apply the read-model migrations (Alembic revisions in ``migrations/``) to a database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

import migrations

MIGRATIONS_DIRECTORY = Path(migrations.__file__).resolve().parent


def alembic_config(sqlalchemy_database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIRECTORY))
    config.set_main_option("sqlalchemy.url", sqlalchemy_database_url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision in ``migrations/versions`` (the chain has one head)."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None, "migrations/versions has no revision"
    return head


def upgrade_to_head(sqlalchemy_database_url: str) -> str:
    """Bring the read-model schema to the newest revision; returns that revision."""
    from projections.store import schema_lock

    with schema_lock(sqlalchemy_database_url):
        command.upgrade(alembic_config(sqlalchemy_database_url), "head")
    return current_revision(sqlalchemy_database_url)


def current_revision(sqlalchemy_database_url: str) -> str:
    engine = create_engine(sqlalchemy_database_url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return "none"
            row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
            return row[0] if row else "none"
    finally:
        engine.dispose()
