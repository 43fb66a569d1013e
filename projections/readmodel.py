"""Read-model tables (SQLAlchemy 2). Their shape is owned by the Alembic revisions in ``migrations/``.

The event store's own tables belong to eventsourcing; these are the ledger's projections:
a member index and the tracking positions that make projection updates exactly-once.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class ReadModel(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class MemberIndex(ReadModel):
    """One row per member: where and under which scheme they are, and how far the index has read."""

    __tablename__ = "member_index"

    member_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    region: Mapped[str | None] = mapped_column(String(16), index=True)
    scheme: Mapped[str | None] = mapped_column(String(16), index=True)
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    first_occurred_on: Mapped[date | None] = mapped_column(Date)
    last_occurred_on: Mapped[date | None] = mapped_column(Date)
    last_notification_id: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProjectionTracking(ReadModel):
    """The last event-store notification a projection has applied, written with its rows."""

    __tablename__ = "projection_tracking"

    projection_name: Mapped[str] = mapped_column(String(100), primary_key=True)
    application_name: Mapped[str] = mapped_column(String(100))
    notification_id: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
