"""Alembic revisions create exactly the read-model tables the SQLAlchemy models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from api.settings import Settings, sqlalchemy_url
from projections.migrate import current_revision, head_revision, upgrade_to_head
from projections.readmodel import ReadModel


def test_migrations_match_the_models(settings: Settings) -> None:
    url = sqlalchemy_url(settings.database_url)
    assert current_revision(url) == "none"
    assert upgrade_to_head(url) == head_revision()
    assert upgrade_to_head(url) == head_revision(), "upgrading twice is harmless"
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), ReadModel.metadata)
    finally:
        engine.dispose()
    assert differences == []
