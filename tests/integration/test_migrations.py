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


def test_processes_starting_together_on_a_fresh_postgresql_all_open_it(postgres_url: str) -> None:
    """serve, project and workers start at once: the schema is created once, under an advisory lock."""
    import threading

    from api.app import open_ledger

    settings = Settings(database_url=postgres_url, pseudonym_key="test-pseudonym-key-0123456789abcdef")
    failures: list[BaseException] = []
    opened = []

    def start() -> None:
        try:
            upgrade_to_head(sqlalchemy_url(postgres_url))
            opened.append(open_ledger(settings))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and len(opened) == 6
    for ledger in opened:
        ledger.close()
