"""Members beyond the rule book: a region and scheme with no complete rule set (Anshan, Liaoning).

Such a member is still answered with what can be known. Their coverage is the paid spans of
their contributions (no waiting period or suspension rule is known, and the decision says so),
and the one part a partial rule set of the region describes is used: a remote inpatient stay of
an Anshan insured member is settled by ``anshan-remote`` (004 二、2 报销比例及起付标准, 二、3 急诊):
``(policy − deductible) × ratio``, the deductible 700 for facilities of level 3 and below (1,500
for an emergency admission), the ratio by person kind and whether a remote-care filing was valid
on the admission day. Every other claim is refused with the reason that names the missing rule set.

A partial rule set is one whose ``scheme`` is :data:`PARTIAL_SCHEME`: it serves both schemes of
its region for the parameters it has.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain.entitlements.contribution_years import retired_on
from domain.entitlements.facts import Claim, MemberFacts, Payment
from domain.entitlements.periods import EditionFinder, has
from domain.errors import LedgerError
from domain.explain import Explanations
from domain.messages import Message, msg
from domain.money import fen_times_ratio, format_yuan
from domain.policies import DateOutOfRangeError, Edition, ParameterReading, Table
from domain.settlement.model import Settlement
from domain.settlement.settle import STUDENT_OR_MINOR_CATEGORIES, read, reject

#: The scheme of a rule set that covers part of the rules of both schemes of a region (anshan-remote).
PARTIAL_SCHEME = "employee_and_resident"


def partial_edition(edition_for: EditionFinder, region: str | None) -> Edition | None:
    """The region's partial rule set, if the rulebook has one."""
    if region is None:
        return None
    try:
        return edition_for(region, PARTIAL_SCHEME)
    except LedgerError:
        return None


def paid_span_on(facts: MemberFacts, day: date) -> Payment | None:
    """The contribution whose paid coverage includes ``day`` (the coverage fact, with no rule applied)."""
    spans = [p for p in facts.payments if p.coverage_start <= day <= p.coverage_end]
    return max(spans, key=lambda p: (p.coverage_start, p.paid_on, p.event_id)) if spans else None


def settle_beyond_rule_book(
    *, facts: MemberFacts, claim: Claim, missing: Message, edition_for: EditionFinder, settlement: Settlement
) -> Settlement:
    """Settle what a partial rule set covers; refuse the rest naming the missing rule set."""
    data = claim.data
    admitted_on = data.admitted_on
    span = paid_span_on(facts, admitted_on)
    # What can be known: no complete rule set, why, and the paid coverage of the admission day.
    settlement.extra_json.update(
        rule_set=None, reason=missing.render(), coverage_fact=None if span is None else _coverage_fact(span)
    )
    if span is None:
        return _refuse(settlement, msg("reason.not_covered_beyond", admitted_on=admitted_on, missing=missing))
    partial = partial_edition(edition_for, span.region)
    remote = data.location.value != "local"
    if (
        partial is None
        or not has(partial, "remote.inpatient_deductible")
        or not remote
        or data.setting.value != "inpatient"
    ):
        named = msg("reason.partial_named", edition=partial.name) if partial is not None else ""
        return _refuse(settlement, msg("reason.partial_only_remote_inpatient", missing=missing, named=named))
    try:
        return _remote_inpatient(facts, claim, span, partial, missing, settlement)
    except DateOutOfRangeError as error:
        return _refuse(settlement, msg("reason.no_rules_on_date", error=str(error)))


def _coverage_fact(payment: Payment) -> dict[str, str]:
    return {
        "scheme": payment.scheme,
        "region": payment.region,
        "coverage_start": payment.coverage_start.isoformat(),
        "coverage_end": payment.coverage_end.isoformat(),
        "paid_on": payment.paid_on.isoformat(),
        "amount": format_yuan(payment.amount_fen),
        "kind": payment.kind.value,
    }


def _refuse(settlement: Settlement, reason: Message) -> Settlement:
    return reject(settlement, reason)


def _filed_on(facts: MemberFacts, day: date) -> bool:
    return any(
        filing.valid_from <= day and (filing.valid_to is None or day <= filing.valid_to) for _, filing in facts.filings
    )


def _kind(facts: MemberFacts, scheme: str, day: date) -> str:
    if scheme == "employee":
        return "retired" if retired_on(facts, None, day) else "in_service"
    return "student_or_minor" if any(facts.has_category(c, day) for c in STUDENT_OR_MINOR_CATEGORIES) else "adult"


def _remote_inpatient(
    facts: MemberFacts, claim: Claim, span: Payment, edition: Edition, missing: Message, settlement: Settlement
) -> Settlement:
    data, on = claim.data, claim.occurred_on
    emergency = data.location.value == "remote_emergency"
    deductible_reading = read(
        edition, "remote.emergency_inpatient_deductible" if emergency else "remote.inpatient_deductible", on
    )
    filed = _filed_on(facts, data.admitted_on)
    ratios = read(edition, "remote.filed_ratio" if filed else "remote.unfiled_ratio", on)
    assert isinstance(deductible_reading.value, int) and isinstance(ratios.value, Table)
    kind = _kind(facts, span.scheme, data.admitted_on)
    fund_ratio = ratios.value.cell(kind)
    assert isinstance(fund_ratio, Decimal)
    deductible = min(deductible_reading.value, data.policy_amount)
    paid = fen_times_ratio(data.policy_amount - deductible, fund_ratio)
    settlement.edition = edition
    # The partial rule set serves both schemes: the document names the member's own.
    settlement.extra_json["scheme"] = span.scheme
    settlement.layers_fen = {"basic_pool": paid}
    settlement.deductible_fen = deductible
    settlement.balances.append(("basic_pool", paid))
    readings: tuple[ParameterReading, ...] = (deductible_reading, ratios)
    explanations: Explanations = settlement.explanations
    explanations.add(
        "layers.basic_pool",
        msg(
            "partial.remote_inpatient",
            missing=missing,
            edition=edition.name,
            admission=msg("partial.emergency_admission" if emergency else "partial.remote_admission"),
            filing=msg("partial.with_filing" if filed else "partial.without_filing"),
            admitted_on=data.admitted_on,
            kind=kind,
            scheme=span.scheme,
            region=span.region,
            policy=format_yuan(data.policy_amount),
            deductible=format_yuan(deductible),
            ratio=fund_ratio,
            paid=format_yuan(paid),
            coverage_start=span.coverage_start,
            coverage_end=span.coverage_end,
        ),
        edition,
        *readings,
    )
    return settlement


def beyond_rule_book_status(
    *, facts: MemberFacts, missing: Message, edition_for: EditionFinder, explanations: Explanations
) -> dict[str, Any]:
    """What the status document can say of a member with no rule set on ``as_of``: the coverage facts.

    ``rule_set`` is null and ``reason`` names the missing rule set; ``covered`` is whether a paid
    contribution includes the day; ``benefits_active`` is null (no waiting or suspension rule is
    known); ``coverage_facts`` lists the paid spans; ``partial_rule_sets`` the region's partial rule
    sets the ledger settles with (remote inpatient stays by ``anshan-remote``).
    """
    as_of = facts.as_of
    span = paid_span_on(facts, as_of)
    region = span.region if span is not None else facts.region
    partial = partial_edition(edition_for, region)
    if partial is not None:
        explanations.add(
            "rule_set",
            msg("partial.status", missing=missing, edition=partial.name),
            partial,
        )
    return {
        "rule_set": None,
        "reason": missing.render(),
        "region": region,
        "scheme": span.scheme if span is not None else None,
        "covered": span is not None,
        "benefits_active": None,
        "coverage_facts": [
            _coverage_fact(p) for p in sorted(facts.payments, key=lambda p: (p.coverage_start, p.paid_on, p.event_id))
        ],
        "partial_rule_sets": [] if partial is None else [partial.name],
    }
