"""The status document v1: a member's entitlements on a date, every figure explained.

Field names are a contract: member_id, as_of, known_at, edition, region, scheme,
covered, benefits_active, benefits_start, waiting, continuity, major_illness, caps,
personal_account, contribution_years, maternity (null without employee history),
corrections (null unless events were retracted as known at ``known_at``), transfers (null unless the member
moved between regions), explanations. Amounts are
two-decimal yuan strings, dates ISO.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.entitlements.continuity import continuity, employee_continuity
from domain.entitlements.fold import MemberLedger
from domain.entitlements.periods import OPEN_END, CoveragePeriod, has, read
from domain.entitlements.spells import CoverageSpell
from domain.entitlements.transfers import moves_json
from domain.explain import Explanations
from domain.member_stream import RecordedEvent
from domain.messages import msg
from domain.money import format_yuan
from domain.policies import Edition
from domain.settlement.maternity import PRENATAL, pregnancy_cap
from domain.settlement.partial import beyond_rule_book_status

STATUS_VERSION = 1


def _iso_utc(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _balance(cap_fen: int, used_fen: int) -> dict[str, str]:
    return {
        "cap": format_yuan(cap_fen),
        "used": format_yuan(used_fen),
        "remaining": format_yuan(max(0, cap_fen - used_fen)),
    }


def _in_arrears(last: CoverageSpell, as_of: date) -> bool:
    """An employee spell that lapsed for unpaid months (not ended, not open-ended) before ``as_of``."""
    return last.scheme == "employee" and not last.ended and last.paid_until < OPEN_END and last.covered_until <= as_of


@dataclass(frozen=True)
class RecordedFigures:
    """A claim's decision as the ledger recorded it (``ClaimSettled``): history, never rewritten."""

    claim_id: str
    claim_event_id: str
    status: str
    fund_total_fen: int
    member_pays_fen: int
    layers_fen: Mapping[str, int]
    decided_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "fund_total": format_yuan(self.fund_total_fen),
            "member_pays": format_yuan(self.member_pays_fen),
            "layers": {layer: format_yuan(amount) for layer, amount in sorted(self.layers_fen.items())},
            "decided_at": _iso_utc(self.decided_at),
        }


def status_document(ledger: MemberLedger, recorded: Mapping[str, RecordedFigures] | None = None) -> dict[str, Any]:
    """The member's status on ``ledger.facts.as_of`` as known at ``ledger.facts.known_at``.

    ``recorded`` are the decisions recorded on the member's claims: where events were retracted,
    ``corrections`` sets each recorded decision the correction changed beside its recomputed figure.
    """
    facts = ledger.facts
    as_of = facts.as_of
    explanations = Explanations()
    spell = ledger.spell_on(as_of)
    period = spell.period_on(as_of) if spell is not None else None
    current = period or ledger.latest_period(as_of)
    edition = current.edition if current else None
    document: dict[str, Any] = {
        "status_version": STATUS_VERSION,
        "member_id": facts.member_id,
        "as_of": as_of.isoformat(),
        "known_at": _iso_utc(facts.known_at),
        "edition": None if edition is None else {"name": edition.name, "hash": edition.content_hash},
        "rule_set": None if edition is None else edition.name,
        "region": facts.region_on(as_of) if facts.transfers else (current.region if current else facts.region),
        "scheme": current.scheme if current else None,
        "covered": spell is not None,
        "benefits_active": bool(spell and spell.benefits_on(as_of)),
        "benefits_start": None,
        "suspended": bool(spell and spell.suspended_on(as_of)),
        "waiting": None,
        "spell": None,
        "continuity": {"consecutive_years": 0, "gap_years": 0},
        "major_illness": None,
        "caps": {},
        "personal_account": None,
        "contribution_years": None,
        "maternity": None,
        "contributions": [],
        "corrections": _corrections(ledger, recorded or {}),
        "transfers": moves_json(facts, ledger.beyond_rule_book),
        "event_count": facts.event_count,
    }
    if spell is not None and period is not None:
        _coverage(document, spell, period, as_of, explanations)
    elif current is not None:
        last = ledger.latest_spell(as_of)
        ended = last.covered_until if last is not None else current.covered_until
        explanations.add(
            "covered",
            msg("status.no_spell", as_of=as_of, ended=ended),
            current.edition,
        )
        years = ledger.contribution_years
        retired = years is not None and years.retired_on is not None and years.retired_on <= as_of
        if last is not None and not retired and _in_arrears(last, as_of):
            # 002 ch.2 二十三问 欠费…暂停其基本医疗保险待遇; 000 待遇起始时间 2 欠费期间…恢复正常缴费的，次月起恢复:
            # an employee past the arrears grace with no CoverageEnded is still insured, in arrears, benefits
            # suspended (not covered: care in arrears is the employer's cost) until back-pay restores them.
            document["suspended"] = True
            explanations.add(
                "suspended",
                msg("status.in_arrears", paid_until=last.paid_until, ended=ended),
                last.periods[-1].edition,
            )
    if edition is not None and current is not None:
        _continuity_and_caps(document, ledger, edition, as_of, explanations, resident=current.scheme == "resident")
    _employee_accounts(document, ledger, edition, explanations)
    _contributions(document, ledger, explanations)
    if period is None and ledger.missing_rule_set is not None:
        document.update(
            beyond_rule_book_status(
                facts=facts, missing=ledger.missing_rule_set, edition_for=ledger.edition_for, explanations=explanations
            )
        )
    if ledger.retroactive_assistance:
        document["retroactive_assistance"] = [decision.as_json() for decision in ledger.retroactive_assistance]
        for decision in ledger.retroactive_assistance:
            explanations.extend(decision.explanations)
    if facts.retractions and edition is not None:
        explanations.add(
            "corrections",
            msg("status.retractions", count=len(facts.retractions), known_at=_iso_utc(facts.known_at)),
            edition,
        )
    if facts.transfers and edition is not None:
        moves = [
            msg("status.move", source=t.from_region, target=t.to_region, scheme=t.scheme, on=t.on)
            for t in facts.transfers
        ]
        explanations.add(
            "region",
            msg("status.moved", moves=moves),
            edition,
        )
    document["explanations"] = explanations.as_json()
    return document


def known_at_independent(ledger: MemberLedger, events: Iterable[RecordedEvent]) -> bool:
    """Whether the member's document for a later ``known_at`` differs only in the ``known_at`` it states.

    True when every one of the member's ``events`` was recorded by ``known_at`` and none is a retraction:
    a later horizon then sees the same facts, and ``known_at`` appears only where :func:`as_known_at` sets it.
    """
    return not ledger.facts.retractions and all(event.recorded_at <= ledger.facts.known_at for event in events)


def as_known_at(document: dict[str, Any], known_at: datetime) -> dict[str, Any]:
    """A document of :func:`status_document` restated at another ``known_at`` that sees the same facts
    (:func:`known_at_independent`); ``document`` is not changed, the parts that do not change are shared."""
    stamp = _iso_utc(known_at)
    restated = {**document, "known_at": stamp}
    if document.get("personal_account") is not None:
        restated["personal_account"] = {**document["personal_account"], "known_at": stamp}
    return restated


def _contributions(document: dict[str, Any], ledger: MemberLedger, explanations: Explanations) -> None:
    """Each resident payment against the deadline, its standard and any duplicate-enrollment refund; each
    employee payment against base × rate for its months."""
    document["contributions"] = [check.as_json() for check in ledger.contributions]
    for index, check in enumerate(ledger.contributions):
        if check.reasons:
            explanations.add(f"contributions[{index}]", check.text, check.edition, *check.readings)


def _employee_accounts(
    document: dict[str, Any], ledger: MemberLedger, edition: Edition | None, explanations: Explanations
) -> None:
    """Personal account, contribution years and maternity; each null without employee history."""
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
                msg(
                    "status.maternity_months",
                    months=state.consecutive_paid_months,
                    month=f"{facts.as_of:%Y-%m}",
                    required=state.required_months,
                ),
                state.edition,
                *state.readings,
            )
        for index, allowance in enumerate(state.allowances):
            if allowance.edition is not None:
                explanations.add(
                    f"maternity.allowances[{index}]",
                    msg("list.joined", parts=list(allowance.reasons)),
                    allowance.edition,
                    *allowance.readings,
                )


def _corrections(ledger: MemberLedger, recorded: Mapping[str, RecordedFigures]) -> dict[str, Any] | None:
    """Retracted events (who, when, why) and the recorded decisions they changed, with the recomputed figures.

    A recorded ``ClaimSettled`` stays what was decided; ``recomputed`` is what the fold decides now on the
    corrected facts (null when the claim itself was retracted).
    """
    facts = ledger.facts
    if not facts.retractions:
        return None
    retracted_ids = {r.retracted_event_id for r in facts.retractions}
    revised: list[dict[str, Any]] = []
    for claim_id, decision in sorted(recorded.items()):
        if decision.decided_at > facts.known_at:
            continue
        if decision.claim_event_id in retracted_ids:
            revised.append({"claim_id": claim_id, "recorded": decision.as_json(), "recomputed": None})
            continue
        settlement = ledger.settlements.get(claim_id)
        if settlement is None:
            continue  # after as_of: not folded
        now = (settlement.status, settlement.fund_total_fen, settlement.member_pays_fen, dict(settlement.layers_fen))
        then = (decision.status, decision.fund_total_fen, decision.member_pays_fen, dict(decision.layers_fen))
        if now != then:
            revised.append(
                {
                    "claim_id": claim_id,
                    "recorded": decision.as_json(),
                    "recomputed": {
                        "status": settlement.status,
                        "fund_total": format_yuan(settlement.fund_total_fen),
                        "member_pays": format_yuan(settlement.member_pays_fen),
                        "layers": {k: format_yuan(v) for k, v in sorted(settlement.layers_fen.items())},
                    },
                }
            )
    return {"retracted": [r.as_json() for r in facts.retractions], "revised_claims": revised}


def _coverage(
    document: dict[str, Any], spell: CoverageSpell, period: CoveragePeriod, as_of: date, explanations: Explanations
) -> None:
    """covered / benefits_active / benefits_start / suspended / waiting: all from the spell covering ``as_of``."""
    # Employees: the spell's first day with benefits. Residents: the benefit period (医保待遇期) is the paid
    # calendar year (001 医保待遇期; 002 ch.3 三问), so the start of the year's benefits, or the wait's end.
    first = spell.periods[0] if spell.scheme != "resident" else period
    waiting = spell.waiting if spell.scheme != "resident" else period.waiting
    benefits_from = spell.benefits_from if spell.scheme != "resident" else period.benefits_from
    document["spell"] = spell.as_json()
    document["benefits_start"] = benefits_from.isoformat()
    explanations.add("benefits_start", first.basis, first.edition, *first.readings)
    explanations.add(
        "covered",
        msg(
            "status.in_spell",
            scheme=spell.scheme,
            covered_from=spell.covered_from,
            until=(
                msg("status.spell_until", paid_until=spell.paid_until, covered_until=spell.covered_until)
                if spell.covered_until != OPEN_END
                else msg("status.spell_open")
            ),
        ),
        period.edition,
        *(
            r
            for r in spell.periods[-1].readings
            if r.name.startswith("arrears.") or r.name == "readings.retiree_without_contributions"
        ),
    )
    if period is not first:
        explanations.add("benefits_active", period.basis, period.edition, *period.readings)
    if waiting is not None:
        running = as_of < benefits_from
        document["waiting"] = {**waiting.as_json(), "running": running}
        explanations.add(
            "waiting",
            msg(
                "status.waiting",
                reason=waiting.reason,
                counted_from=waiting.counted_from,
                until=benefits_from,
                months=waiting.total_months,
                state=msg("status.waiting_running" if running else "status.waiting_over"),
                as_of=as_of,
            ),
            first.edition,
            *first.readings,
        )
    if document["suspended"]:
        resumes = spell.resumes_on(as_of)
        explanations.add(
            "suspended",
            msg(
                "status.suspended",
                as_of=as_of,
                resumes=msg("status.resumes", on=resumes) if resumes else msg("status.not_restored"),
            ),
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
        document["continuity"] = {
            "consecutive_years": state.consecutive_years,
            "gap_years": state.gap_years,
            "counts": "incentive_years",
        }
        explanations.add(
            "continuity",
            msg("status.continuity", years=state.consecutive_years, year=year, gaps=state.gap_years),
            edition,
            *state.readings,
        )
    if ledger.cover.employee_month_indexes:
        # Employees: the continuous contribution months the switching and transfer rules test
        # (002 ch.1 二十六, ch.2 八问; 001 其他规定) — counted while a spell covers the member.
        # The latest run of paid months (last_paid_month says where it ends: for a member who switched to the
        # resident scheme, the run the switching rule tested); it counts as current only inside an employee spell.
        run = employee_continuity(ledger.cover, as_of)
        document["continuity"]["employee"] = run.as_json()
        if not resident:
            current_run = run.continuous_years if document["covered"] and document["scheme"] == "employee" else 0
            document["continuity"].update(consecutive_years=current_run, counts="employee_continuous_months")
        explanations.add(
            "continuity.employee",
            msg(
                "status.employee_run",
                months=run.continuous_months,
                since=msg("status.run_since", month=f"{run.since:%Y-%m}") if run.since else "",
                last=msg("status.run_last", month=f"{run.last_paid_month:%Y-%m}") if run.last_paid_month else "",
            ),
            edition,
        )
    on = as_of
    caps: dict[str, dict[str, str]] = {}
    if has(edition, "basic_pool.annual_cap"):
        cap = read(edition, "basic_pool.annual_cap", on)
        assert isinstance(cap.value, int)
        caps["basic_pool"] = _balance(cap.value, ledger.used("basic_pool", year))
        explanations.add("caps.basic_pool", msg("status.cap_basic_pool", year=year), edition, cap)
    for layer, name in (("large_amount", "large_amount.annual_cap"), ("civil_servant", "civil_servant.annual_cap")):
        if has(edition, name):
            reading = read(edition, name, on)
            if isinstance(reading.value, int):
                caps[layer] = _balance(reading.value, ledger.used(layer, year))
                explanations.add(f"caps.{layer}", msg("status.cap_layer", layer=layer, year=year), edition, reading)
    pregnancy_keys = f"maternity:{PRENATAL}:after:"
    for (key, cap_year), cap_fen in sorted(ledger.programme_caps_fen.items()):
        if cap_year == year and key not in caps and not key.startswith(pregnancy_keys):
            caps[key] = _balance(cap_fen, ledger.used(key, year))
            explanations.add(f"caps.{key}", msg("status.cap_programme", key=key, year=year), edition)
    if any(key.startswith(pregnancy_keys) for key, _year in ledger.programme_caps_fen):
        # A prenatal cap per pregnancy (001 生育保险待遇 2.1 一个孕期内) is not a yearly cap: the status shows
        # the balance of the pregnancy an examination on as_of would draw on, as the claim settlement counts it.
        pregnancy = pregnancy_cap(ledger.facts, edition, ledger.used_fen, as_of)
        if pregnancy is not None:
            name = f"maternity:{PRENATAL}"
            caps[name] = _balance(pregnancy.cap_fen, pregnancy.used_fen)
            explanations.add(f"caps.{name}", pregnancy.text, edition, *pregnancy.readings)
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
