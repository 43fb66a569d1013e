"""Read-model tables (SQLAlchemy 2). Their shape is owned by the Alembic revisions in ``migrations/``.

The event store's own tables belong to eventsourcing; these are the ledger's projections:
a member index and the tracking positions that make projection updates exactly-once.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Index, Integer, MetaData, String, Text
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


class _CoverageColumns:
    """A member's coverage periods (the live table's and a replay set's columns)."""

    member_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The period's place in the fold's order (two payments may cover the same months).
    period_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme: Mapped[str] = mapped_column(String(16))
    covered_from: Mapped[date] = mapped_column(Date)
    covered_until: Mapped[date] = mapped_column(Date)
    region: Mapped[str] = mapped_column(String(16))
    rule_set: Mapped[str] = mapped_column(String(64))
    edition_hash: Mapped[str] = mapped_column(String(64))
    benefits_from: Mapped[date] = mapped_column(Date)
    benefits_until: Mapped[date] = mapped_column(Date)
    waiting_reason: Mapped[str | None] = mapped_column(String(40))
    waiting_total_months: Mapped[int | None] = mapped_column(Integer)


class _SettlementColumns:
    """A claim's settlement: status, layers in fen, the edition (the live table's and a replay set's columns)."""

    member_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    claim_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    rule_set: Mapped[str | None] = mapped_column(String(64))
    edition_hash: Mapped[str | None] = mapped_column(String(64))
    total_fen: Mapped[int] = mapped_column(BigInteger)
    fund_total_fen: Mapped[int] = mapped_column(BigInteger)
    member_pays_fen: Mapped[int] = mapped_column(BigInteger)
    layers_json: Mapped[str] = mapped_column(Text)


class _CapUsageColumns:
    """Fund payments per member, layer and calendar year (the live table's and a replay set's columns)."""

    member_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    layer: Mapped[str] = mapped_column(String(100), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    used_fen: Mapped[int] = mapped_column(BigInteger)


class _RetroactiveAssistanceColumns:
    """The ledger's own retroactive-assistance decision (依申请救助, 002 ch.6 五问 (三)): the claims of a year it
    tops up when a certification arrives (the live table's and a replay set's columns)."""

    member_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: uuid5 of member, category and node: the same decision under any edition, so audits can pair them.
    decision_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    category: Mapped[str] = mapped_column(String(32))
    #: The node: the certification's ``valid_from``.
    certified_on: Mapped[date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    rule_set: Mapped[str] = mapped_column(String(64))
    edition_hash: Mapped[str] = mapped_column(String(64))
    total_fen: Mapped[int] = mapped_column(BigInteger)
    #: JSON list, in the decision's order: {claim_id, self_pay_fen, already_fen, due_fen, routine_fen, tilt_fen,
    #: amount_fen} (sorted keys).
    claims_json: Mapped[str] = mapped_column(Text)


class MemberIndex(ReadModel):
    """One row per member: where and under which scheme they are, and how far the index has read."""

    __tablename__ = "member_index"

    member_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    stream_id: Mapped[str] = mapped_column(String(36), unique=True)
    region: Mapped[str | None] = mapped_column(String(16), index=True)
    scheme: Mapped[str | None] = mapped_column(String(16), index=True)
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    first_occurred_on: Mapped[date | None] = mapped_column(Date)
    last_occurred_on: Mapped[date | None] = mapped_column(Date)
    last_notification_id: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: The name of the member's registration (personal data: member-reading roles only, docs/security.md).
    name: Mapped[str | None] = mapped_column(String(100))
    #: ``name`` as searched (projections.member_list.name_search_key): prefix search by an index
    #: (text_pattern_ops on PostgreSQL, so ``LIKE 'prefix%'`` uses it whatever the collation).
    name_key: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (Index("ix_member_index_name_key", "name_key", postgresql_ops={"name_key": "text_pattern_ops"}),)


class ProjectionTracking(ReadModel):
    """The last event-store notification a projection has applied, written with its rows."""

    __tablename__ = "projection_tracking"

    projection_name: Mapped[str] = mapped_column(String(100), primary_key=True)
    application_name: Mapped[str] = mapped_column(String(100))
    notification_id: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MemberCoverage(_CoverageColumns, ReadModel):
    """The member's coverage periods as the fold works them out from every recorded event."""

    __tablename__ = "member_coverage"


class ClaimSettlementRow(_SettlementColumns, ReadModel):
    """Each claim's settlement: status, layers in fen, the edition it was settled under."""

    __tablename__ = "claim_settlement"


class CapUsage(_CapUsageColumns, ReadModel):
    """Fund payments per member, layer and calendar year (the cap balances' 'used')."""

    __tablename__ = "cap_usage"


class RetroactiveAssistanceRow(_RetroactiveAssistanceColumns, ReadModel):
    """Each retroactive-assistance decision the fold took, with the claims it tops up."""

    __tablename__ = "retroactive_assistance"


class ReplayJob(ReadModel):
    """A replay of the ledger under one edition, written into its own read-model set."""

    __tablename__ = "replay_job"

    job_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    model_set: Mapped[str] = mapped_column(String(100), index=True)
    edition_name: Mapped[str] = mapped_column(String(64))
    edition_hash: Mapped[str] = mapped_column(String(64))
    edition_source: Mapped[str] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(16))
    members_json: Mapped[str | None] = mapped_column(Text)
    as_of: Mapped[date] = mapped_column(Date)
    partitions: Mapped[int] = mapped_column(Integer)
    members_total: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: The event store's last notification when the job was created (every partition reads at least that far).
    from_notification_id: Mapped[int | None] = mapped_column(BigInteger)


class ReplayPartition(ReadModel):
    """Progress of one partition of a replay (each worker writes only its own row)."""

    __tablename__ = "replay_partition"

    job_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    partition: Mapped[int] = mapped_column(Integer, primary_key=True)
    members_done: Mapped[int] = mapped_column(Integer)
    events_done: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReplayClaimSettlement(_SettlementColumns, ReadModel):
    """A claim's settlement in a replay's read-model set."""

    __tablename__ = "replay_claim_settlement"

    model_set: Mapped[str] = mapped_column(String(100), primary_key=True, sort_order=-1)


class ReplayCapUsage(_CapUsageColumns, ReadModel):
    """Fund payments per member, layer and year in a replay's read-model set."""

    __tablename__ = "replay_cap_usage"

    model_set: Mapped[str] = mapped_column(String(100), primary_key=True, sort_order=-1)


class ReplayMemberCoverage(_CoverageColumns, ReadModel):
    """A member's coverage periods in a replay's read-model set (the live ``member_coverage``'s shape)."""

    __tablename__ = "replay_member_coverage"

    model_set: Mapped[str] = mapped_column(String(100), primary_key=True, sort_order=-1)


class ReplayRetroactiveAssistance(_RetroactiveAssistanceColumns, ReadModel):
    """A retroactive-assistance decision in a replay's read-model set (the live ``retroactive_assistance``'s shape)."""

    __tablename__ = "replay_retroactive_assistance"

    model_set: Mapped[str] = mapped_column(String(100), primary_key=True, sort_order=-1)


class ReplayPromotion(ReadModel):
    """A replay set made the live read model: which job, when, and how many members it replaced."""

    __tablename__ = "replay_promotion"

    promotion_number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(String(36), index=True)
    model_set: Mapped[str] = mapped_column(String(100))
    edition_name: Mapped[str] = mapped_column(String(64))
    edition_hash: Mapped[str] = mapped_column(String(64))
    from_notification_id: Mapped[int] = mapped_column(BigInteger)
    #: Members whose live rows were replaced by the set's.
    members_promoted: Mapped[int] = mapped_column(Integer)
    #: Members the live projection had changed since the replay began: their live rows were kept.
    members_kept: Mapped[int] = mapped_column(Integer)
    promoted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditJob(ReadModel):
    """An audit of edition A against B, split into partitions for dramatiq workers."""

    __tablename__ = "audit_job"

    job_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: Side A's edition source (as a replay job's), NULL for the rulebook.
    side_a_source: Mapped[str | None] = mapped_column(Text)
    #: Side B: "recorded", "rulebook", or an edition source.
    side_b_source: Mapped[str] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(16))
    members_json: Mapped[str | None] = mapped_column(Text)
    as_of: Mapped[date] = mapped_column(Date)
    known_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    partitions: Mapped[int] = mapped_column(Integer)
    members_total: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: The population is the members opened by this event-store position (NULL: jobs before revision 0008).
    from_notification_id: Mapped[int | None] = mapped_column(BigInteger)


class AuditPartition(ReadModel):
    """One partition of an audit: its status and its members' differences (JSON, in member order)."""

    __tablename__ = "audit_partition"

    job_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    partition: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    members_done: Mapped[int] = mapped_column(Integer)
    result_json: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MemberHistory(ReadModel):
    """The member's recorded events exactly as the fold reads them, and the stream version they reflect.

    Status queries fold this row instead of the stream when ``stream_version`` is the stream's
    current version (the same domain fold over the same events, without reading the event store).
    """

    __tablename__ = "member_history"

    member_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The member stream's version when the row was written (every stream event counts, decisions too).
    stream_version: Mapped[int] = mapped_column(Integer)
    #: The encoding of ``events_json``; rows of another format are not used (the stream is folded).
    history_format: Mapped[int] = mapped_column(Integer)
    event_count: Mapped[int] = mapped_column(Integer)
    events_json: Mapped[str] = mapped_column(Text)
    last_notification_id: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Outbox(ReadModel):
    """A side effect the entitlements projection decided on, written in the transaction of its rows.

    ``outbox_id`` is deterministic (uuid5 of kind, member, subject and outcome), so a rebuild from
    zero finds the rows already there and no effect is decided twice. Dispatch sends the id only.
    """

    __tablename__ = "outbox"

    outbox_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    member_id: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    payload_json: Mapped[str] = mapped_column(Text)
    notification_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MemberNotice(ReadModel):
    """A notice to the member, written once per outbox row by the outbox actor (its effect)."""

    __tablename__ = "member_notice"

    outbox_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    delivered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiKey(ReadModel):
    """An API key: only the SHA-256 of its secret is stored; the key itself is shown once."""

    __tablename__ = "api_key"

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    #: Comma-separated regions an integration key may write for; NULL = every region.
    regions: Mapped[str | None] = mapped_column(String(200))
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WriteAudit(ReadModel):
    """One row per write request: who (key id), when, from where, what, and the outcome."""

    __tablename__ = "write_audit"

    audit_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    key_id: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(16))
    client: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(100))
    #: SHA-256 of the request body as received (after pseudonymisation), when there is one.
    body_sha256: Mapped[str | None] = mapped_column(String(64))
    #: JSON: the event ids, claim id, job id or key id the write concerned, and counts.
    subjects_json: Mapped[str] = mapped_column(Text)


class FoldFailure(ReadModel):
    """A member whose fold failed, isolated so that everyone else goes on (``projections/isolation.py``).

    ``scope`` is ``live`` for the live projection or ``replay:<job id>`` for a replay. The row names
    the stream version folded, the first event whose fold fails (position in the stream, event id)
    and the error; ``fingerprint`` is the code and rules it failed under, so a start under other code
    or rules retries it. A fold that succeeds again removes the row.
    """

    __tablename__ = "fold_failure"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    stream_version: Mapped[int] = mapped_column(Integer)
    event_position: Mapped[int | None] = mapped_column(Integer, nullable=True)
    event_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer)
    first_failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
