"""The employee personal account (个人账户) and family mutual aid (家庭共济) as a ledger of movements.

Credits:

* contribution accruals: each month a visible employee payment covers (regular or arrears; not
  transfers in, not repairs) accrues ``personal_account.in_service_rate`` × the contribution base
  in force on the month's first day (``ContributionBaseDeclared`` kind ``contribution_base``),
  each month rounded half-up to the fen; a month already begun is credited on the payment day, in
  the month of payment (``personal_account.accrual_on`` = payment_date: 002 ch.2 十问; Shenyang
  assumed the same), a month paid ahead on its first day;
* retiree credits: from the month retiree benefits start (``domain.entitlements.contribution_years``),
  on each month's first day, ``personal_account.retiree_monthly`` (Shenyang: 80) or
  ``personal_account.retiree_rate`` × the declared 2022 average pension (Bazhong: 2.8 %); in
  Shenyang the same day the retiree's large-amount premium ``large_amount.retiree_premium_monthly``
  (2 yuan from 2024, 000 大额医疗保险费) is debited (``large_amount_premium``; refused, moving
  nothing, when the balance is too low);
* interest at each year end where the rule set gives ``personal_account.annual_interest_rate``
  (neither seed prints a rate, so neither rule set has one).

Debits: the member's own costs (``PersonalAccountSpent``: a settled claim's member share, at most
that share; a designated pharmacy), family mutual aid to a bound close relative
(``FamilyAidTransferred``) and the one-off payout of the whole balance (``PersonalAccountPaidOut``).

A debit the rules or the balance do not allow is *refused by the fold*, not at ingest: whether it
is allowed depends on the member's history (the balance, the binding, the region) as known at the
time asked about, and a late-recorded earlier credit may make it valid later. The refused movement
stays in the status document with its reason, and moves no money. The balance never goes negative.

Movements are ordered by day, credits before debits on the same day, interest last, and events by
their effective order: the same events give the same account whatever order they arrived in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from domain.contract import (
    AccountBaseKind,
    ContributionBaseDeclaredData,
    ContributionKind,
    CoverageEndReason,
    FamilyAidTransferredData,
    PersonalAccountPaidOutData,
    PersonalAccountSpentData,
    RelativeBoundData,
    RelativeUnboundData,
)
from domain.entitlements.contribution_years import (
    ContributionYears,
    employee_edition,
    employee_payments,
    months_of,
)
from domain.entitlements.facts import AccountEvent, MemberFacts, Payment
from domain.entitlements.periods import EditionFinder, has, money, month_index, month_start, ratio, read
from domain.errors import LedgerError
from domain.explain import Explanations
from domain.messages import Message, joined, msg
from domain.money import fen_times_ratio, format_yuan
from domain.policies import Edition, ParameterReading
from domain.settlement import Settlement

EMPLOYEE = "employee"
CREDIT_RANK, DEBIT_RANK, INTEREST_RANK = 0, 1, 2


@dataclass(frozen=True)
class Movement:
    """One credit or debit: day, kind, amount in fen (positive), the balance after it, why."""

    on: date
    kind: str
    amount_fen: int
    balance_after_fen: int
    event_id: str | None
    text: Message
    edition: Edition | None
    readings: tuple[ParameterReading, ...] = ()
    relative_member_id: str | None = None
    relationship: str | None = None

    @property
    def is_credit(self) -> bool:
        return self.kind in ("contribution_accrual", "retiree_accrual", "interest", "transfer_in")

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "date": self.on.isoformat(),
            "kind": self.kind,
            "direction": "credit" if self.is_credit else "debit",
            "amount": format_yuan(self.amount_fen),
            "balance_after": format_yuan(self.balance_after_fen),
            "event_id": self.event_id,
            **self.text.as_json(),
            "text": self.text.render(),
        }
        if self.relative_member_id is not None:
            body["relative_member_id"] = self.relative_member_id
            body["relationship"] = self.relationship
        return body


@dataclass(frozen=True)
class Refusal:
    """A debit the fold refused: it moved no money."""

    on: date
    kind: str
    amount_fen: int
    event_id: str
    reason: Message
    edition: Edition | None
    readings: tuple[ParameterReading, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.on.isoformat(),
            "kind": self.kind,
            "amount": format_yuan(self.amount_fen),
            "event_id": self.event_id,
            "reason": self.reason.render(),
            "reason_message": self.reason.as_json(),
        }


@dataclass
class PersonalAccount:
    balance_fen: int = 0
    movements: list[Movement] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    notes: list[tuple[Message, Edition, tuple[ParameterReading, ...]]] = field(default_factory=list)

    def total(self, *kinds: str) -> int:
        return sum(m.amount_fen for m in self.movements if m.kind in kinds)

    def as_json(self) -> dict[str, Any]:
        return {
            "balance": format_yuan(self.balance_fen),
            "credited": format_yuan(self.total("contribution_accrual", "retiree_accrual", "interest")),
            "spent": format_yuan(self.total("settlement_share", "pharmacy")),
            "family_aid": format_yuan(self.total("family_aid")),
            "paid_out": format_yuan(self.total("payout")),
            "movements": [m.as_json() for m in self.movements],
            "refused": [r.as_json() for r in self.refused],
        }

    def explain(self, explanations: Explanations, fallback: Edition | None) -> None:
        for index, movement in enumerate(self.movements):
            edition = movement.edition or fallback
            if edition is not None:
                explanations.add(f"personal_account.movements[{index}]", movement.text, edition, *movement.readings)
        for index, refusal in enumerate(self.refused):
            edition = refusal.edition or fallback
            if edition is not None:
                explanations.add(f"personal_account.refused[{index}]", refusal.reason, edition, *refusal.readings)
        for text, edition, readings in self.notes:
            explanations.add("personal_account", text, edition, *readings)


@dataclass(frozen=True)
class _Step:
    """A pending movement, sorted by (day, rank, order) before the walk."""

    on: date
    rank: int
    order: tuple[int, int]
    kind: str
    amount_fen: int = 0
    event: AccountEvent | None = None
    text: Message = field(default_factory=lambda: joined())
    edition: Edition | None = None
    readings: tuple[ParameterReading, ...] = ()
    event_id: str | None = None


def _bases(facts: MemberFacts, kind: AccountBaseKind) -> list[tuple[date, int, int]]:
    """(valid_from, effective position, monthly base fen) of the declared bases of one kind."""
    found = []
    for position, event in enumerate(facts.account_events):
        data = event.data
        if isinstance(data, ContributionBaseDeclaredData) and data.kind is kind:
            found.append((data.valid_from, position, data.monthly_base))
    return sorted(found)


def base_on(bases: list[tuple[date, int, int]], day: date) -> int | None:
    """The base in force on ``day``: the latest ``valid_from`` on or before it (later declarations win ties)."""
    chosen = None
    for valid_from, _, base in bases:
        if valid_from <= day:
            chosen = base
        else:
            break
    return chosen


def _accrual(
    payment: Payment, edition: Edition, bases: list[tuple[date, int, int]], order: int
) -> list[_Step] | Message:
    """Credits of one payment: a month already begun on the payment day, a month paid ahead on its first day."""
    rate = read(edition, "personal_account.in_service_rate", payment.paid_on)
    timing = read(edition, "personal_account.accrual_on", payment.paid_on)
    assert timing.value == "payment_date", f"unknown {timing.name} value {timing.value!r}"
    by_day: dict[date, list[tuple[int, int]]] = {}
    without = []
    for month in months_of(payment):
        base = base_on(bases, month_start(month))
        if base is None:
            without.append(month_start(month).strftime("%Y-%m"))
            continue
        by_day.setdefault(max(payment.paid_on, month_start(month)), []).append((month, base))
    missing = msg("account.no_base_for", months=without) if without else None
    if not by_day:
        return joined(
            msg(
                "account.nothing_accrued",
                event_id=payment.event_id,
                start=payment.coverage_start,
                end=payment.coverage_end,
            ),
            missing,
        )
    steps = []
    for day, months in sorted(by_day.items()):
        total = sum(fen_times_ratio(base, ratio(rate)) for _, base in months)
        first, last = month_start(months[0][0]), month_start(months[-1][0])
        span = f"{first:%Y-%m}" if first == last else f"{first:%Y-%m}–{last:%Y-%m}"
        bases_text = sorted({format_yuan(base) for _, base in months})
        when = msg("account.on_payment_day" if day == payment.paid_on else "account.on_first_day")
        text = joined(
            msg(
                "account.accrual",
                span=span,
                paid_on=payment.paid_on,
                rate=ratio(rate),
                bases=bases_text,
                when=when,
            ),
            missing,
        )
        steps.append(
            _Step(
                day,
                CREDIT_RANK,
                (0, order),
                "contribution_accrual",
                total,
                None,
                text,
                edition,
                (rate, timing),
                payment.event_id,
            )
        )
    return steps


def _retiree_steps(facts: MemberFacts, years: ContributionYears, account: PersonalAccount) -> list[_Step]:
    start = years.retiree_benefits_from
    if start is None or start > facts.series_end:
        return []
    edition = years.edition
    ends = [day for day, ended in facts.coverage_ends if ended.reason is CoverageEndReason.DEATH]
    last = min([facts.series_end, *ends])
    pensions = _bases(facts, AccountBaseKind.AVERAGE_PENSION_2022)
    steps: list[_Step] = []
    missing: list[str] = []
    for month in range(month_index(start), month_index(last) + 1):
        day = month_start(month)
        if day > last:
            break
        if has(edition, "personal_account.retiree_monthly"):
            reading = read(edition, "personal_account.retiree_monthly", day)
            amount = money(reading)
            text = msg("account.retiree_monthly", month=f"{day:%Y-%m}", amount=format_yuan(amount))
        elif has(edition, "personal_account.retiree_rate"):
            reading = read(edition, "personal_account.retiree_rate", day)
            pension = base_on(pensions, day)
            if pension is None:
                missing.append(f"{day:%Y-%m}")
                continue
            amount = fen_times_ratio(pension, ratio(reading))
            text = msg("account.retiree_rate", month=f"{day:%Y-%m}", rate=ratio(reading), pension=format_yuan(pension))
        else:
            return steps
        steps.append(_Step(day, CREDIT_RANK, (1, month), "retiree_accrual", amount, None, text, edition, (reading,)))
        if has(edition, "large_amount.retiree_premium_monthly"):
            premium = read(edition, "large_amount.retiree_premium_monthly", day)
            text = msg("account.retiree_premium", month=f"{day:%Y-%m}", amount=format_yuan(money(premium)))
            fee = money(premium)
            order = (1, month)
            steps.append(_Step(day, DEBIT_RANK, order, "large_amount_premium", fee, None, text, edition, (premium,)))
    if missing:
        account.notes.append((msg("account.no_pension", months=missing), edition, ()))
    return steps


def _interest_steps(facts: MemberFacts, edition: Edition | None, first: date | None) -> list[_Step]:
    if edition is None or first is None or not has(edition, "personal_account.annual_interest_rate"):
        return []
    steps = []
    for year in range(first.year, facts.series_end.year + 1):
        day = date(year, 12, 31)
        if day <= facts.series_end:
            steps.append(_Step(day, INTEREST_RANK, (0, year), "interest", edition=edition))
    return steps


def personal_account(
    facts: MemberFacts,
    edition_for: EditionFinder,
    years: ContributionYears | None,
    settlements: Mapping[str, Settlement],
) -> PersonalAccount | None:
    """The account on ``facts.as_of``; None for members with no employee history."""
    payments = employee_payments(facts)
    debit_types = ("PersonalAccountSpent", "FamilyAidTransferred", "PersonalAccountPaidOut")
    events = [e for e in facts.account_events if e.type in (*debit_types, "ContributionBaseDeclared")]
    if not payments and not events and years is None:
        return None
    account = PersonalAccount()
    bases = _bases(facts, AccountBaseKind.CONTRIBUTION_BASE)
    steps: list[_Step] = []
    editions: dict[str, Edition | None] = {}
    unaccrued: dict[str, tuple[Edition, list[Payment]]] = {}
    for order, payment in enumerate(payments):
        if payment.kind is ContributionKind.TRANSFER_IN:
            continue
        if payment.region not in editions:
            try:
                editions[payment.region] = edition_for(payment.region, EMPLOYEE)
            except LedgerError:
                editions[payment.region] = None
        edition = editions[payment.region]
        if edition is None or not has(edition, "personal_account.in_service_rate"):
            continue
        if not bases:
            unaccrued.setdefault(payment.region, (edition, []))[1].append(payment)
            continue
        accrued = _accrual(payment, edition, bases, order)
        if isinstance(accrued, Message):
            account.notes.append((accrued, edition, ()))
        else:
            steps += accrued
    for region, (edition, unpaid) in sorted(unaccrued.items()):
        account.notes.append(
            (
                msg("account.no_bases", count=len(unpaid), region=region),
                edition,
                (),
            )
        )
    if years is not None:
        steps += _retiree_steps(facts, years, account)
    for position, event in enumerate(facts.account_events):
        if event.type in debit_types:
            amount = getattr(event.data, "amount", 0)
            steps.append(
                _Step(event.occurred_on, DEBIT_RANK, (2, position), event.type, amount, event, event_id=event.event_id)
            )
    steps += _transfer_steps(facts, edition_for)
    first = min((s.on for s in steps), default=None)
    steps += _interest_steps(facts, employee_edition(facts, edition_for, facts.as_of), first)
    steps = sorted((s for s in steps if s.on <= facts.as_of), key=lambda s: (s.on, s.rank, s.order))
    _walk(account, steps, facts, edition_for, settlements)
    return account


def _transfer_steps(facts: MemberFacts, edition_for: EditionFinder) -> list[_Step]:
    """Each employee move (002 ch.2 二十一问 只转移参保关系和个人账户): the balance leaves the origin and arrives."""
    steps: list[_Step] = []
    for position, move in enumerate(facts.transfers):
        if move.scheme != EMPLOYEE:
            continue
        origin, destination = (
            _edition_or_none(edition_for, move.from_region),
            _edition_or_none(edition_for, move.to_region),
        )
        reading_from = next(
            (e for e in (destination, origin) if e is not None and has(e, "readings.transfer_account_balance")), None
        )
        readings = (
            (read(reading_from, "readings.transfer_account_balance", move.on),) if reading_from is not None else ()
        )
        steps.append(
            _Step(
                move.on,
                DEBIT_RANK,
                (3, position),
                "transfer",
                -1 if move.account_balance_fen is None else move.account_balance_fen,
                text=msg("account.route", source=move.from_region, target=move.to_region),
                edition=destination or origin,
                readings=readings,
                event_id=move.event_id,
            )
        )
    return steps


def _edition_or_none(edition_for: EditionFinder, region: str) -> Edition | None:
    try:
        return edition_for(region, EMPLOYEE)
    except LedgerError:
        return None


def _walk(
    account: PersonalAccount,
    steps: list[_Step],
    facts: MemberFacts,
    edition_for: EditionFinder,
    settlements: Mapping[str, Settlement],
) -> None:
    closed = False
    paid_for_claim: dict[str, int] = {}
    for step in steps:
        if step.kind == "contribution_accrual":
            closed = False
            account.balance_fen += step.amount_fen
            _move(account, step, step.amount_fen)
        elif step.kind == "retiree_accrual":
            if closed:
                continue
            account.balance_fen += step.amount_fen
            _move(account, step, step.amount_fen)
        elif step.kind == "large_amount_premium":
            if closed:
                continue
            if step.amount_fen > account.balance_fen:
                account.refused.append(
                    Refusal(
                        step.on,
                        step.kind,
                        step.amount_fen,
                        "",
                        msg("account.premium_refused", step=step.text, balance=format_yuan(account.balance_fen)),
                        step.edition,
                        step.readings,
                    )
                )
                continue
            account.balance_fen -= step.amount_fen
            _move(account, step, step.amount_fen)
        elif step.kind == "interest":
            assert step.edition is not None
            rate = read(step.edition, "personal_account.annual_interest_rate", step.on)
            interest = fen_times_ratio(account.balance_fen, ratio(rate))
            if interest > 0:
                account.balance_fen += interest
                text = msg("account.interest", year=step.on.year, rate=ratio(rate))
                _move(
                    account,
                    _Step(
                        step.on,
                        step.rank,
                        step.order,
                        "interest",
                        interest,
                        text=text,
                        edition=step.edition,
                        readings=(rate,),
                    ),
                    interest,
                )
        elif step.kind == "transfer":
            _transfer(account, step)
        else:
            assert step.event is not None
            closed = _debit(account, step.event, facts, edition_for, settlements, paid_for_claim, closed=closed)


def _transfer(account: PersonalAccount, step: _Step) -> None:
    """The balance moves out of the origin and into the destination: two movements, one per side.

    Reading ``transfer_account_balance``: the stated amount is what arrives, counted once; without one,
    the balance the ledger computed moves. (``amount_fen`` −1: no amount stated.)
    """
    leaving = account.balance_fen
    arriving = leaving if step.amount_fen < 0 else step.amount_fen
    account.balance_fen = 0
    stated = msg("account.computed_balance" if step.amount_fen < 0 else "account.stated_amount")
    _move(account, replace(step, kind="transfer_out", text=msg("account.moved_out", route=step.text)), leaving)
    account.balance_fen = arriving
    _move(
        account,
        replace(step, kind="transfer_in", text=msg("account.moved_in", route=step.text, stated=stated)),
        arriving,
    )


def _move(account: PersonalAccount, step: _Step, amount: int, **extra: Any) -> None:
    account.movements.append(
        Movement(
            step.on,
            step.kind,
            amount,
            account.balance_fen,
            step.event_id,
            step.text,
            step.edition,
            step.readings,
            **extra,
        )
    )


def _binding(facts: MemberFacts, event: AccountEvent, relative: str) -> str | None:
    """The relationship the relative is bound by at this event (bindings before it in effective order)."""
    bound: str | None = None
    for earlier in facts.account_events:
        if earlier is event:
            break
        data = earlier.data
        if isinstance(data, RelativeBoundData) and data.relative_member_id == relative:
            bound = data.relationship.value
        elif isinstance(data, RelativeUnboundData) and data.relative_member_id == relative:
            bound = None
    return bound


def _debit(
    account: PersonalAccount,
    event: AccountEvent,
    facts: MemberFacts,
    edition_for: EditionFinder,
    settlements: Mapping[str, Settlement],
    paid_for_claim: dict[str, int],
    *,
    closed: bool,
) -> bool:
    data = event.data
    on = event.occurred_on
    edition = employee_edition(facts, edition_for, on)

    def refuse(kind: str, amount: int, reason: Message, *readings: ParameterReading) -> bool:
        account.refused.append(Refusal(on, kind, amount, event.event_id, reason, edition, tuple(readings)))
        return closed

    if isinstance(data, PersonalAccountPaidOutData):
        if edition is None:
            return refuse("payout", account.balance_fen, msg("allowance.no_rule_set"))
        reasons = read(edition, "personal_account.payout_reasons", on)
        assert isinstance(reasons.value, tuple)
        if data.reason.value not in reasons.value:
            return refuse(
                "payout", account.balance_fen, msg("account.payout_reason_refused", reason=data.reason.value), reasons
            )
        amount = account.balance_fen
        account.balance_fen = 0
        text = msg("account.payout", amount=format_yuan(amount), reason=data.reason.value)
        account.movements.append(Movement(on, "payout", amount, 0, event.event_id, text, edition, (reasons,)))
        return True
    if isinstance(data, PersonalAccountSpentData):
        kind = data.purpose.value
        if edition is None:
            return refuse(kind, data.amount, msg("allowance.no_rule_set"))
        purposes = read(edition, "personal_account.spend_purposes", on)
        assert isinstance(purposes.value, tuple)
        if kind not in purposes.value:
            return refuse(kind, data.amount, msg("account.purpose_refused", purpose=kind), purposes)
        readings: tuple[ParameterReading, ...] = (purposes,)
        text = msg("account.spent", purpose=kind)
        if data.claim_id is not None:
            settlement = settlements.get(data.claim_id)
            if settlement is None or settlement.status != "settled":
                return refuse(kind, data.amount, msg("account.claim_not_settled", claim_id=data.claim_id), *readings)
            left = settlement.member_pays_fen - paid_for_claim.get(data.claim_id, 0)
            if data.amount > left:
                return refuse(
                    kind,
                    data.amount,
                    msg("account.more_than_share", claim_id=data.claim_id, left=format_yuan(left)),
                    *readings,
                )
            text = msg(
                "account.spent_on_claim",
                purpose=kind,
                claim_id=data.claim_id,
                share=format_yuan(settlement.member_pays_fen),
            )
        elif data.purpose.value == "settlement_share":
            return refuse(kind, data.amount, msg("account.share_needs_claim"), *readings)
        if closed:
            return refuse(kind, data.amount, msg("account.closed"), *readings)
        if data.amount > account.balance_fen:
            return refuse(
                kind, data.amount, msg("account.balance_too_low", balance=format_yuan(account.balance_fen)), *readings
            )
        account.balance_fen -= data.amount
        if data.claim_id is not None:
            paid_for_claim[data.claim_id] = paid_for_claim.get(data.claim_id, 0) + data.amount
        account.movements.append(
            Movement(on, kind, data.amount, account.balance_fen, event.event_id, text, edition, readings)
        )
        return closed
    assert isinstance(data, FamilyAidTransferredData)
    kind = "family_aid"
    if edition is None:
        return refuse(kind, data.amount, msg("allowance.no_rule_set"))
    relatives = read(edition, "family_aid.close_relatives", on)
    purposes = read(edition, "family_aid.purposes", on)
    channels = read(edition, "family_aid.cross_province_channels", on)
    assert (
        isinstance(relatives.value, tuple) and isinstance(purposes.value, tuple) and isinstance(channels.value, tuple)
    )
    relationship = _binding(facts, event, data.relative_member_id)
    if relationship is None:
        return refuse(kind, data.amount, msg("account.not_bound", relative=data.relative_member_id, on=on), relatives)
    if relationship not in relatives.value:
        return refuse(kind, data.amount, msg("account.not_close_relative", relationship=relationship), relatives)
    if data.purpose.value not in purposes.value:
        return refuse(kind, data.amount, msg("account.aid_purpose_refused", purpose=data.purpose.value), purposes)
    if data.cross_province and data.channel.value not in channels.value:
        allowed = list(channels.value) if channels.value else msg("account.province_only")
        return refuse(
            kind,
            data.amount,
            msg("account.channel_refused", channel=data.channel.value, allowed=allowed),
            channels,
        )
    if closed:
        return refuse(kind, data.amount, msg("account.closed"), relatives)
    if data.amount > account.balance_fen:
        return refuse(
            kind, data.amount, msg("account.balance_too_low", balance=format_yuan(account.balance_fen)), relatives
        )
    account.balance_fen -= data.amount
    where = msg("account.other_province" if data.cross_province else "account.same_province")
    text = msg(
        "account.family_aid",
        relative=data.relative_member_id,
        relationship=relationship,
        where=where,
        purpose=data.purpose.value,
        channel=data.channel.value,
    )
    readings = (relatives, purposes) + ((channels,) if data.cross_province else ())
    account.movements.append(
        Movement(
            on,
            kind,
            data.amount,
            account.balance_fen,
            event.event_id,
            text,
            edition,
            readings,
            data.relative_member_id,
            relationship,
        )
    )
    return closed
