"""A member's history as typed facts, seen as of an effective date and as known at a time.

Bitemporal: ``as_of`` keeps events that happened on or before it; ``known_at`` keeps events the
ledger had recorded by then. The remaining events are ordered by effective date, recorded time
and event_id, so arrival order never changes what follows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.contract import (
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
    PersonalAccountPaidOutData,
    PersonalAccountSpentData,
    PrimaryClinicChosenData,
    RelativeBoundData,
    RelativeUnboundData,
    RemoteCareFiledData,
    RetirementReachedData,
    ShortfallSettledData,
)
from domain.member_stream import RecordedEvent, effective_order

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
}

#: Employee-account events (issue 8): kept in effective order for the account, years and maternity folds.
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
    """An employee-account event (issue 8) with its typed data, in effective order."""

    event_id: str
    type: str
    occurred_on: date
    recorded_at: datetime
    data: Any


@dataclass
class MemberFacts:
    """What the ledger knows of one member, as of a date and as known at a time."""

    member_id: str
    as_of: date
    known_at: datetime
    region: str | None = None
    birth_on: date | None = None
    sex: str | None = None
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
    event_count: int = 0

    def has_category(self, category: str, on: date) -> bool:
        return any(span.category == category and span.covers(on) for span in self.categories)

    def clinic_chosen_on(self, day: date) -> PrimaryClinicChosenData | None:
        """The clinic choice in force on ``day``: the latest one whose ``valid_from`` is on or before it."""
        in_force = [choice for choice in self.clinic_choices if choice.valid_from <= day]
        return max(in_force, key=lambda choice: choice.valid_from) if in_force else None

    def category_spans(self, category: str) -> list[CategorySpan]:
        return [span for span in self.categories if span.category == category]

    def age_on(self, day: date) -> int | None:
        if self.birth_on is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_on.month, self.birth_on.day)
        return day.year - self.birth_on.year - int(before_birthday)


def visible(events: Iterable[RecordedEvent], *, as_of: date, known_at: datetime) -> list[RecordedEvent]:
    """Events that happened by ``as_of`` and were recorded by ``known_at``, in effective order."""
    return effective_order([e for e in events if e.occurred_on <= as_of and e.recorded_at <= known_at])


def member_facts(events: Iterable[RecordedEvent], *, member_id: str, as_of: date, known_at: datetime) -> MemberFacts:
    """Fold the visible events into typed facts (later revocations shorten earlier categories)."""
    facts = MemberFacts(member_id=member_id, as_of=as_of, known_at=known_at)
    for event in visible(events, as_of=as_of, known_at=known_at):
        facts.event_count += 1
        data = DATA_MODELS[event.type].model_validate(event.data)
        if isinstance(data, MemberRegisteredData):
            facts.region, facts.birth_on, facts.sex = data.region.value, data.birth_date, data.sex.value
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
