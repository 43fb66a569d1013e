"""The status document v1: a member's entitlements on a date, every figure explained.

Field names are a contract (issue 4): member_id, as_of, known_at, edition, region, scheme,
covered, benefits_active, benefits_start, waiting, continuity, major_illness, caps,
personal_account, contribution_years, maternity (issue 8; null without employee history),
explanations. Amounts are two-decimal yuan strings, dates ISO.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.entitlements.continuity import continuity
from domain.entitlements.fold import MemberLedger
from domain.entitlements.periods import CoveragePeriod, has, read
from domain.explain import Explanations
from domain.money import format_yuan
from domain.policies import Edition

STATUS_VERSION = 1


def _iso_utc(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _balance(cap_fen: int, used_fen: int) -> dict[str, str]:
    return {
        "cap": format_yuan(cap_fen),
        "used": format_yuan(used_fen),
        "remaining": format_yuan(max(0, cap_fen - used_fen)),
    }


def status_document(ledger: MemberLedger) -> dict[str, Any]:
    """The member's status on ``ledger.facts.as_of`` as known at ``ledger.facts.known_at``."""
    facts = ledger.facts
    as_of = facts.as_of
    explanations = Explanations()
    period = ledger.period_on(as_of)
    current = period or ledger.latest_period(as_of)
    edition = current.edition if current else None
    document: dict[str, Any] = {
        "status_version": STATUS_VERSION,
        "member_id": facts.member_id,
        "as_of": as_of.isoformat(),
        "known_at": _iso_utc(facts.known_at),
        "edition": None if edition is None else {"name": edition.name, "hash": edition.content_hash},
        "region": current.region if current else facts.region,
        "scheme": current.scheme if current else None,
        "covered": ledger.covering(as_of) is not None,
        "benefits_active": bool(period and period.benefits_on(as_of)),
        "benefits_start": None,
        "suspended": bool(period and period.suspended_on(as_of)),
        "waiting": None,
        "continuity": {"consecutive_years": 0, "gap_years": 0},
        "major_illness": None,
        "caps": {},
        "personal_account": None,
        "contribution_years": None,
        "maternity": None,
        "contributions": [],
        "event_count": facts.event_count,
    }
    if period is not None:
        _coverage(document, period, as_of, explanations)
    elif current is not None:
        explanations.add(
            "covered", f"no paid coverage includes {as_of}; the last ended {current.covered_until}", current.edition
        )
    if edition is not None and current is not None:
        _continuity_and_caps(document, ledger, edition, as_of, explanations, resident=current.scheme == "resident")
    _employee_accounts(document, ledger, edition, explanations)
    _contributions(document, ledger, explanations)
    document["explanations"] = explanations.as_json()
    return document


def _contributions(document: dict[str, Any], ledger: MemberLedger, explanations: Explanations) -> None:
    """Each resident payment against the deadline, its standard and any duplicate-enrollment refund."""
    document["contributions"] = [check.as_json() for check in ledger.contributions]
    for index, check in enumerate(ledger.contributions):
        if check.reasons:
            explanations.add(f"contributions[{index}]", check.text, check.edition, *check.readings)


def _employee_accounts(
    document: dict[str, Any], ledger: MemberLedger, edition: Edition | None, explanations: Explanations
) -> None:
    """Personal account, contribution years and maternity (issue 8); each null without employee history."""
    facts = ledger.facts
    years = ledger.contribution_years
    if years is not None:
        document["contribution_years"] = years.as_json()
        explanations.add("contribution_years", years.text, years.edition, *years.readings)
        for index, payment in enumerate(years.settlements):
            explanations.add(
                f"contribution_years.shortfall_payments[{index}]", payment.text, years.edition, *payment.readings
            )
    account = ledger.personal_account
    if account is not None:
        document["personal_account"] = {
            "as_of": facts.as_of.isoformat(),
            "known_at": _iso_utc(facts.known_at),
            **account.as_json(),
        }
        account.explain(explanations, edition or (years.edition if years else None))
    state = ledger.maternity
    if state is not None:
        document["maternity"] = state.as_json()
        if state.edition is not None and state.required_months is not None:
            explanations.add(
                "maternity.consecutive_paid_months",
                f"{state.consecutive_paid_months} consecutive paid month(s) up to {facts.as_of:%Y-%m} "
                f"(back-payments not counted); {state.required_months} needed for the allowance",
                state.edition,
                *state.readings,
            )
        for index, allowance in enumerate(state.allowances):
            if allowance.edition is not None:
                explanations.add(
                    f"maternity.allowances[{index}]",
                    "; ".join(allowance.reasons),
                    allowance.edition,
                    *allowance.readings,
                )


def _coverage(document: dict[str, Any], period: CoveragePeriod, as_of: date, explanations: Explanations) -> None:
    document["benefits_start"] = (
        period.benefits_from.isoformat() if period.benefits_from < period.covered_until else None
    )
    explanations.add("benefits_start", period.basis, period.edition, *period.readings)
    if period.waiting is not None and as_of < period.benefits_from:
        document["waiting"] = period.waiting.as_json()
        explanations.add(
            "waiting",
            f"waiting ({period.waiting.reason}) until {period.benefits_from}: {period.waiting.total_months} month(s)",
            period.edition,
            *period.readings,
        )


def _continuity_and_caps(
    document: dict[str, Any],
    ledger: MemberLedger,
    edition: Edition,
    as_of: date,
    explanations: Explanations,
    *,
    resident: bool,
) -> None:
    year = as_of.year
    if has(edition, "readings.continuity_counting_start"):
        state = continuity(ledger.facts, edition, ledger.cover, year)
        document["continuity"] = {"consecutive_years": state.consecutive_years, "gap_years": state.gap_years}
        explanations.add(
            "continuity",
            f"{state.consecutive_years} consecutive covered year(s) up to {year}; {state.gap_years} gap year(s) "
            f"before {year} since the counting start",
            edition,
            *state.readings,
        )
    on = as_of
    caps: dict[str, dict[str, str]] = {}
    if has(edition, "basic_pool.annual_cap"):
        cap = read(edition, "basic_pool.annual_cap", on)
        assert isinstance(cap.value, int)
        caps["basic_pool"] = _balance(cap.value, ledger.used("basic_pool", year))
        explanations.add(
            "caps.basic_pool", f"basic-pool cap for {year}, less fund payments of settled claims", edition, cap
        )
    for layer, name in (("large_amount", "large_amount.annual_cap"), ("civil_servant", "civil_servant.annual_cap")):
        if has(edition, name):
            reading = read(edition, name, on)
            if isinstance(reading.value, int):
                caps[layer] = _balance(reading.value, ledger.used(layer, year))
                explanations.add(f"caps.{layer}", f"{layer} cap for {year}", edition, reading)
    for (key, cap_year), cap_fen in sorted(ledger.programme_caps_fen.items()):
        if cap_year == year and key not in caps:
            caps[key] = _balance(cap_fen, ledger.used(key, year))
            explanations.add(f"caps.{key}", f"{key} cap for {year} as its claims were settled", edition)
    if resident and has(edition, "major_illness.annual_cap") and document["covered"]:
        cap_state = ledger.major_illness(year, edition)
        used = ledger.used("major_illness", year)
        document["major_illness"] = {
            "base_cap": format_yuan(cap_state.base_cap_fen),
            "continuity_bonus": format_yuan(cap_state.continuity_bonus_fen),
            "zero_claim_bonus": format_yuan(cap_state.zero_claim_bonus_fen),
            "gap_penalty": format_yuan(cap_state.gap_penalty_fen),
            "cap": None if cap_state.uncapped else format_yuan(cap_state.cap_fen),
            "used": format_yuan(used),
            "remaining": None if cap_state.uncapped else format_yuan(max(0, cap_state.cap_fen - used)),
        }
        explanations.add("major_illness.cap", cap_state.text, edition, *cap_state.readings)
    document["caps"] = caps
