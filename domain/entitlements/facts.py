"""A member's history as typed facts, seen as of an effective date and as known at a time.

Bitemporal: ``as_of`` keeps events that happened on or before it; ``known_at`` keeps events the
ledger had recorded by then. An event retracted (``EventRetracted``) by a retraction recorded by
``known_at`` is dropped for every ``as_of`` (reading ``retraction_time``: a correction takes effect
by its recorded time); as known before the retraction, the event counts. The remaining events are
ordered by effective date, recorded time and event_id, so arrival order never changes what follows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.contract import (
    DATE_MAX,
    CategoryCertifiedData,
    CategoryRevokedData,
    ClaimReversedData,
    ClaimSubmittedData,
    ConditionCertifiedData,
    ContributionBaseDeclaredData,
    ContributionKind,
    ContributionPaidData,
    ContributionYearsDeemedData,
    CoverageEndedData,
    FamilyAidTransferredData,
    MaternityOccurredData,
    MemberRegisteredData,
    MemberTransferredData,
    PersonalAccountPaidOutData,
    PersonalAccountSpentData,
    PrimaryClinicChosenData,
    RelativeBoundData,
    RelativeUnboundData,
    RemoteCareFiledData,
    RetirementReachedData,
    ShortfallSettledData,
)
from domain.member_stream import RETRACTION_TYPE, RecordedEvent, effective_order

DATA_MODELS: dict[str, Any] = {
    "MemberRegistered": MemberRegisteredData,
    "CategoryCertified": CategoryCertifiedData,
    "CategoryRevoked": CategoryRevokedData,
    "ContributionPaid": ContributionPaidData,
    "CoverageEnded": CoverageEndedData,
    "RemoteCareFiled": RemoteCareFiledData,
    "ConditionCertified": ConditionCertifiedData,
    "ClaimSubmitted": ClaimSubmittedData,
    "ClaimReversed": ClaimReversedData,
    "PrimaryClinicChosen": PrimaryClinicChosenData,
    "MemberTransferred": MemberTransferredData,
}

#: Employee-account events: kept in effective order for the account, years and maternity folds.
EMPLOYEE_ACCOUNT_MODELS: dict[str, Any] = {
    "ContributionBaseDeclared": ContributionBaseDeclaredData,
    "PersonalAccountSpent": PersonalAccountSpentData,
    "RelativeBound": RelativeBoundData,
    "RelativeUnbound": RelativeUnboundData,
    "FamilyAidTransferred": FamilyAidTransferredData,
    "PersonalAccountPaidOut": PersonalAccountPaidOutData,
    "ContributionYearsDeemed": ContributionYearsDeemedData,
    "RetirementReached": RetirementReachedData,
    "ShortfallSettled": ShortfallSettledData,
    "MaternityOccurred": MaternityOccurredData,
}
DATA_MODELS.update(EMPLOYEE_ACCOUNT_MODELS)


@dataclass(frozen=True)
class Payment:
    """A contribution: which scheme, which period (inclusive), paid when, of which kind."""

    event_id: str
    scheme: str
    region: str
    paid_on: date
    coverage_start: date
    coverage_end: date
    amount_fen: int
    kind: ContributionKind


@dataclass(frozen=True)
class CategorySpan:
    category: str
    valid_from: date
    valid_to: date | None

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Claim:
    event_id: str
    occurred_on: date
    recorded_at: datetime
    data: ClaimSubmittedData


@dataclass(frozen=True)
class AccountEvent:
    """An employee-account event with its typed data, in effective order."""

    event_id: str
    type: str
    occurred_on: date
    recorded_at: datetime
    data: Any


@dataclass(frozen=True)
class Transfer:
    """A move of the insurance relation (医保关系转移接续) between pooling regions, on ``on``."""

    event_id: str
    on: date
    from_region: str
    to_region: str
    scheme: str
    account_balance_fen: int | None


@dataclass(frozen=True)
class Retraction:
    """A retracted event as the fold last knew it, and the correction that retracted it."""

    retracted_event_id: str
    retracted_type: str | None
    retracted_occurred_on: date | None
    event_id: str
    occurred_on: date
    recorded_at: datetime
    source: str | None
    reason: str

    def mark_json(self) -> dict[str, Any]:
        """How a history marks the retracted event: by which correction, when, from which source, why."""
        return {
            "retracted_by": self.event_id,
            "retracted_at": self.recorded_at.isoformat().replace("+00:00", "Z"),
            "retracted_by_source": self.source,
            "reason": self.reason,
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "event_id": self.retracted_event_id,
            "type": self.retracted_type,
            "occurred_on": None if self.retracted_occurred_on is None else self.retracted_occurred_on.isoformat(),
            **self.mark_json(),
        }


@dataclass
class MemberFacts:
    """What the ledger knows of one member, as of a date and as known at a time."""

    member_id: str
    as_of: date
    known_at: datetime
    region: str | None = None
    birth_on: date | None = None
    sex: str | None = None
    #: The name of the latest visible registration that gives one (personal data: the member list only).
    name: str | None = None
    payments: list[Payment] = field(default_factory=list)
    categories: list[CategorySpan] = field(default_factory=list)
    coverage_ends: list[tuple[date, CoverageEndedData]] = field(default_factory=list)
    filings: list[tuple[date, RemoteCareFiledData]] = field(default_factory=list)
    #: Outpatient-pooling clinic choices (门诊统筹定点医疗机构), in effective order.
    clinic_choices: list[PrimaryClinicChosenData] = field(default_factory=list)
    conditions: list[tuple[date, ConditionCertifiedData]] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    reversals: dict[str, tuple[date, ClaimReversedData]] = field(default_factory=dict)
    account_events: list[AccountEvent] = field(default_factory=list)
    #: Moves between regions, in effective order.
    transfers: list[Transfer] = field(default_factory=list)
    #: Events retracted as known at ``known_at`` (whatever their date), in the order of their retractions.
    retractions: list[Retraction] = field(default_factory=list)
    event_count: int = 0
    #: The latest effective date of the visible events (None: none visible).
    last_event_on: date | None = None

    @property
    def series_end(self) -> date:
        """The last day a series that time alone drives (a retiree's monthly account credits, yearly interest) runs to.

        ``as_of`` whenever it is a date the contract accepts (to ``DATE_MAX``). Past them — the read model's fold of
        every event whatever its date, as of 9999-12-31 — no fact lies beyond the member's last visible event, and a
        series run to the year 9999 is no figure anyone reads (a retiree's monthly credits alone would be 96,000
        steps, seconds of every refresh of the member): it ends on that event's day.
        """
        if self.as_of <= DATE_MAX:
            return self.as_of
        return self.last_event_on or DATE_MAX

    def region_on(self, day: date) -> str | None:
        """The member's region on ``day``: the registration's (else the first payment's), then each move's
        destination from its transfer date on."""
        region = self.region
        for transfer in self.transfers:
            if transfer.on <= day:
                region = transfer.to_region
        return region

    def has_category(self, category: str, on: date) -> bool:
        return any(span.category == category and span.covers(on) for span in self.categories)

    def clinic_chosen_on(self, day: date, *, filed_place: str | None = None) -> PrimaryClinicChosenData | None:
        """The clinic choice in force on ``day``: the latest one whose ``valid_from`` is on or before it — at home,
        or with ``filed_place`` the one chosen at that long-term filed place (备案地)."""
        in_force = [
            choice for choice in self.clinic_choices if choice.valid_from <= day and choice.filed_place == filed_place
        ]
        return max(in_force, key=lambda choice: choice.valid_from) if in_force else None

    def category_spans(self, category: str) -> list[CategorySpan]:
        return [span for span in self.categories if span.category == category]

    def age_on(self, day: date) -> int | None:
        if self.birth_on is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_on.month, self.birth_on.day)
        return day.year - self.birth_on.year - int(before_birthday)


def visible(events: Iterable[RecordedEvent], *, as_of: date, known_at: datetime) -> list[RecordedEvent]:
    """Events that happened by ``as_of``, were recorded by ``known_at`` and not retracted by then, in effective
    order (retractions themselves are not facts: see :func:`retractions`)."""
    known = [e for e in events if e.recorded_at <= known_at]
    retracted = {e.data["retracted_event_id"] for e in known if e.type == RETRACTION_TYPE}
    if not retracted:  # the common case: no correction known
        return effective_order([e for e in known if e.occurred_on <= as_of])
    return effective_order(
        [e for e in known if e.occurred_on <= as_of and e.type != RETRACTION_TYPE and str(e.event_id) not in retracted]
    )


def retractions(events: Iterable[RecordedEvent], *, known_at: datetime) -> list[Retraction]:
    """The retractions recorded by ``known_at`` with what they retracted, by recorded time then event_id."""
    events = list(events)
    corrections = [e for e in events if e.type == RETRACTION_TYPE and e.recorded_at <= known_at]
    if not corrections:
        return []
    by_id = {str(e.event_id): e for e in events}
    found: list[Retraction] = []
    for event in sorted(corrections, key=lambda e: (e.recorded_at, str(e.event_id))):
        target = by_id.get(event.data["retracted_event_id"])
        found.append(
            Retraction(
                retracted_event_id=event.data["retracted_event_id"],
                retracted_type=None if target is None else target.type,
                retracted_occurred_on=None if target is None else target.occurred_on,
                event_id=str(event.event_id),
                occurred_on=event.occurred_on,
                recorded_at=event.recorded_at,
                source=event.source,
                reason=event.data["reason"],
            )
        )
    return found


def retraction_marks(events: Iterable[RecordedEvent]) -> dict[str, Retraction]:
    """Each retracted event_id → its retraction, as the ledger knows now (for histories that mark them)."""
    events = list(events)
    if not events:
        return {}
    latest = max(e.recorded_at for e in events)
    return {r.retracted_event_id: r for r in retractions(events, known_at=latest)}


def member_facts(events: Iterable[RecordedEvent], *, member_id: str, as_of: date, known_at: datetime) -> MemberFacts:
    """Fold the visible events into typed facts (later revocations shorten earlier categories)."""
    events = list(events)
    facts = MemberFacts(member_id=member_id, as_of=as_of, known_at=known_at)
    facts.retractions = retractions(events, known_at=known_at)
    for event in visible(events, as_of=as_of, known_at=known_at):
        facts.event_count += 1
        facts.last_event_on = event.occurred_on  # effective order: the last one is the latest
        data = DATA_MODELS[event.type].model_validate(event.data)
        if isinstance(data, MemberRegisteredData):
            facts.region, facts.birth_on, facts.sex = data.region.value, data.birth_date, data.sex.value
            if data.name is not None:
                facts.name = data.name
        elif isinstance(data, ContributionPaidData):
            facts.payments.append(
                Payment(
                    event_id=str(event.event_id),
                    scheme=data.scheme.value,
                    region=data.region.value,
                    paid_on=event.occurred_on,
                    coverage_start=data.coverage_start,
                    coverage_end=data.coverage_end,
                    amount_fen=data.amount,
                    kind=data.kind,
                )
            )
            facts.region = facts.region or data.region.value
        elif isinstance(data, CategoryCertifiedData):
            facts.categories.append(CategorySpan(data.category.value, data.valid_from, data.valid_to))
        elif isinstance(data, CategoryRevokedData):
            facts.categories = [_revoked(span, data) for span in facts.categories]
        elif isinstance(data, CoverageEndedData):
            facts.coverage_ends.append((event.occurred_on, data))
        elif isinstance(data, RemoteCareFiledData):
            facts.filings.append((event.occurred_on, data))
        elif isinstance(data, ConditionCertifiedData):
            facts.conditions.append((event.occurred_on, data))
        elif isinstance(data, PrimaryClinicChosenData):
            facts.clinic_choices.append(data)
        elif isinstance(data, ClaimSubmittedData):
            facts.claims.append(Claim(str(event.event_id), event.occurred_on, event.recorded_at, data))
        elif isinstance(data, MemberTransferredData):
            facts.transfers.append(
                Transfer(
                    event_id=str(event.event_id),
                    on=data.transferred_on,
                    from_region=data.from_region.value,
                    to_region=data.to_region.value,
                    scheme=data.scheme.value,
                    account_balance_fen=data.account_balance,
                )
            )
        elif isinstance(data, ClaimReversedData):
            facts.reversals.setdefault(data.claim_id, (event.occurred_on, data))
        elif event.type in EMPLOYEE_ACCOUNT_MODELS:
            facts.account_events.append(
                AccountEvent(str(event.event_id), event.type, event.occurred_on, event.recorded_at, data)
            )
    return facts


def _revoked(span: CategorySpan, revocation: CategoryRevokedData) -> CategorySpan:
    if span.category != revocation.category.value:
        return span
    if span.valid_to is not None and span.valid_to <= revocation.valid_to:
        return span
    return CategorySpan(span.category, span.valid_from, revocation.valid_to)
