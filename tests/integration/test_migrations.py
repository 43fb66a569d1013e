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


def test_the_member_names_revision_keeps_the_members_and_indexes_the_name_key(settings: Settings) -> None:
    """0011 adds the name columns to a populated member index (nullable: old rows keep no name), indexes
    the search key so a prefix search uses it on PostgreSQL, and goes back down to 0010 cleanly."""
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import inspect, text

    from projections.migrate import alembic_config

    url = sqlalchemy_url(settings.database_url)
    command.upgrade(alembic_config(url), "0010")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO member_index (member_id, stream_id, event_count, last_notification_id, updated_at)"
                    " VALUES ('M-OLD', 's-1', 2, 7, :now)"
                ),
                {"now": datetime.now(UTC)},
            )
        assert upgrade_to_head(url) == head_revision()
        with engine.begin() as connection:
            assert connection.execute(text("SELECT member_id, name, name_key FROM member_index")).all() == [
                ("M-OLD", None, None)
            ]
            indexes = {i["name"]: i["column_names"] for i in inspect(connection).get_indexes("member_index")}
            assert indexes["ix_member_index_name_key"] == ["name_key"]
            if connection.dialect.name == "postgresql":
                connection.execute(text("SET LOCAL enable_seqscan = off"))
                plan = "\n".join(
                    row[0]
                    for row in connection.execute(
                        text("EXPLAIN SELECT member_id FROM member_index WHERE name_key LIKE '张%' ESCAPE '\\'")
                    )
                )
                assert "ix_member_index_name_key" in plan, plan
        command.downgrade(alembic_config(url), "0010")
        with engine.connect() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("member_index")}
            assert "name" not in columns and "name_key" not in columns
            assert connection.execute(text("SELECT member_id FROM member_index")).scalar_one() == "M-OLD"
    finally:
        engine.dispose()
