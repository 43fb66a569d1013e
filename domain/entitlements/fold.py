"""The one fold: a member's events + rule editions → coverage, balances and settled claims.

Coverage periods come from every payment visible at ``as_of`` (so a retroactive rule — a
newborn paid within the limit, arrears back-paid in time — reaches back). Claims are then
settled in effective-date order, each against the coverage on its admission day and the
balances left by the claims before it; its fund payments update the balances and the record
of which years used the fund (zero-claim bonus). Last come the employee entitlements
beyond caps: contribution years, the personal account (which may pay a settled claim's member
share) and maternity allowances. The API, the CLI, the scenario runner, projections and replays
all call :func:`fold_member`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TypeVar

from domain.entitlements.continuity import MajorIllnessCap, major_illness_cap, uncapped_on
from domain.entitlements.contribution_years import ContributionYears, contribution_years
from domain.entitlements.contributions import (
    ContributionCheck,
    contribution_checks,
    duplicate_refunds,
    late_payment_ids,
)
from domain.entitlements.employee import employee_periods
from domain.entitlements.employee_contributions import EmployeeContributionCheck, employee_contribution_checks
from domain.entitlements.facts import Claim, MemberFacts, member_facts
from domain.entitlements.maternity_allowance import Maternity, maternity
from domain.entitlements.periods import CoveragePeriod, EditionFinder, has, read
from domain.entitlements.personal_account import PersonalAccount, personal_account
from domain.entitlements.resident import YearCover, resident_periods, year_cover
from domain.entitlements.retiree import retiree_period
from domain.entitlements.spells import CoverageSpell, coverage_spells
from domain.entitlements.transfers import BeyondRuleBook, beyond_rule_book, cut_at_transfers
from domain.errors import LedgerError
from domain.member_stream import RecordedEvent
from domain.messages import Message, joined, msg
from domain.policies import DateOutOfRangeError, Edition, ParameterReading
from domain.settlement import ClaimContext, Settlement, layers_of, settle_claim
from domain.settlement.model import LAYER_CAP_PARAMETERS
from domain.settlement.partial import partial_edition, settle_beyond_rule_book
from domain.settlement.retroactive import RetroactiveAssistance
from domain.settlement.retroactive_decisions import RetroactiveDecisions
from domain.settlement.settle import reject

T = TypeVar("T")


class NoRuleSet(LedgerError):
    """The member's region and scheme have no rule set in the rulebook."""

    code = "no_rule_set"

    def __init__(self, region: str, scheme: str, known: Iterable[str]) -> None:
        self.region, self.scheme = region, scheme
        super().__init__(f"no rule set {region}-{scheme} (known: {', '.join(sorted(known))})")


def edition_finder(editions: Mapping[str, Edition], override: Edition | None = None) -> EditionFinder:
    """Editions by (region, scheme): ``override`` (a what-if edition) replaces the one of its region and scheme."""

    found: dict[tuple[str, str], Edition] = {}  # the fold asks for the same few (region, scheme) again and again

    def find(region: str, scheme: str) -> Edition:
        edition = found.get((region, scheme))
        if edition is None:
            edition = found[region, scheme] = _find(region, scheme)
        return edition

    def _find(region: str, scheme: str) -> Edition:
        if override is not None and override.region == region and override.scheme == scheme:
            return override
        for edition in editions.values():
            if edition.region == region and edition.scheme == scheme:
                return edition
        raise NoRuleSet(region, scheme, editions)

    return find


@dataclass
class MemberLedger:
    """Everything the fold worked out for one member, as of a date, as known at a time."""

    facts: MemberFacts
    periods: list[CoveragePeriod]
    cover: YearCover
    edition_for: EditionFinder
    #: The periods joined into unbroken spells (``spells.coverage_spells``): what covered/benefits mean.
    spells: list[CoverageSpell] = field(default_factory=list)
    settlements: dict[str, Settlement] = field(default_factory=dict)
    used_fen: dict[tuple[str, int], int] = field(default_factory=dict)
    fund_use_years: set[int] = field(default_factory=set)
    #: (programme balance key, year) → its cap as the latest claim of the year settled it.
    programme_caps_fen: dict[tuple[str, int], int] = field(default_factory=dict)
    major_illness_caps: dict[tuple[int, str], MajorIllnessCap] = field(default_factory=dict)
    #: Employee entitlements beyond caps: None for members without employee history.
    contribution_years: ContributionYears | None = None
    personal_account: PersonalAccount | None = None
    maternity: Maternity | None = None
    #: Why part of the member's history has no rule set (``no rule set anshan-employee: …``); None when all do.
    missing_rule_set: Message | None = None
    #: The ledger's own retroactive-assistance decisions (依申请救助), in the order they were taken.
    retroactive_assistance: list[RetroactiveAssistance] = field(default_factory=list)
    #: Every resident payment checked against the deadline, the standard and duplicate-enrollment refunds.
    #: Resident payments first, then employee payments, each in payment order.
    contributions: list[ContributionCheck | EmployeeContributionCheck] = field(default_factory=list)
    #: Regions the member moved to without a rule set (their payments set aside; the status says so).
    beyond_rule_book: list[BeyondRuleBook] = field(default_factory=list)

    @property
    def spell_periods(self) -> list[CoveragePeriod]:
        """Each spell as one period, in order: what FHIR Coverage and the console timeline show."""
        return [spell.as_period() for spell in self.spells]

    def spell_index(self, period: CoveragePeriod) -> int | None:
        """The position of the spell a period of the fold belongs to."""
        return next((i for i, spell in enumerate(self.spells) if any(p is period for p in spell.periods)), None)

    def spell_on(self, day: date) -> CoverageSpell | None:
        """The latest begun spell giving benefits on ``day``, else the latest begun spell that covers it (a new
        scheme's spell wins over the arrears grace of the one before)."""
        for spell in reversed(self.spells):
            if spell.benefits_on(day):
                return spell
        covering = [s for s in self.spells if s.covers(day)]
        return covering[-1] if covering else None

    def period_on(self, day: date) -> CoveragePeriod | None:
        """The period describing ``day`` (its rule set, region, basis) in the spell that covers it."""
        spell = self.spell_on(day)
        return spell.period_on(day) if spell is not None else None

    def covering(self, day: date) -> CoveragePeriod | None:
        """The period of the spell covering ``day`` (paid months and the arrears grace after them)."""
        return self.period_on(day)

    def period_on_year(self, year: int) -> CoveragePeriod | None:
        """The period that best describes ``year``: one covering mid-year, else the last one begun in it."""
        period = self.period_on(date(year, 7, 1))
        if period is not None:
            return period
        latest = self.latest_period(date(year, 12, 31))
        return latest if latest is not None and latest.covered_from.year == year else None

    def latest_period(self, day: date) -> CoveragePeriod | None:
        earlier = [p for p in self.periods if p.covered_from <= day]
        return max(earlier, key=lambda p: (p.covered_from, p.covered_until)) if earlier else None

    def latest_spell(self, day: date) -> CoverageSpell | None:
        earlier = [s for s in self.spells if s.covered_from <= day]
        return earlier[-1] if earlier else None

    def used(self, layer: str, year: int) -> int:
        return self.used_fen.get((layer, year), 0)

    def headroom_used_in(self, year: int) -> bool:
        """Whether major-illness payments of ``year`` went beyond the base cap (used incentive headroom)."""
        period = self.period_on(date(year, 6, 30)) or self.latest_period(date(year, 12, 31))
        if period is None or not has(period.edition, "major_illness.annual_cap"):
            return False
        base = read(period.edition, "major_illness.annual_cap", date(year, 1, 1)).value
        assert isinstance(base, int)
        return self.used("major_illness", year) > base

    def major_illness(self, year: int, edition: Edition) -> MajorIllnessCap:
        """The cap of ``year``; it rests on earlier years only, final once the fold reaches ``year``."""
        key = (year, edition.content_hash)
        if key not in self.major_illness_caps:
            self.major_illness_caps[key] = self._major_illness(year, edition)
        return self.major_illness_caps[key]

    def _major_illness(self, year: int, edition: Edition) -> MajorIllnessCap:
        return major_illness_cap(
            self.facts,
            edition,
            self.cover,
            year,
            fund_used_in=lambda y: y in self.fund_use_years,
            headroom_used_in=self.headroom_used_in,
        )


def fold_member(
    events: Iterable[RecordedEvent], *, member_id: str, as_of: date, known_at: datetime, edition_for: EditionFinder
) -> MemberLedger:
    """Fold the member's events visible at (as_of, known_at) under the editions ``edition_for`` finds."""
    facts = member_facts(events, member_id=member_id, as_of=as_of, known_at=known_at)
    # Moves to a region without a rule set: what cannot be computed there (transfers.py), said in the status.
    beyond = beyond_rule_book(facts, edition_for) if facts.transfers else []
    # Contributions to a region and scheme without a rule set give coverage facts, not entitlements.
    ruled, missing = _ruled_facts(facts, edition_for)
    notes: list[Message] = [missing] if missing else []
    # Resident payments the rules refuse (after the enrollment deadline, voided by a duplicate enrollment
    # before their year) buy no coverage; the status lists them with the reason.
    checks = contribution_checks(ruled, edition_for)
    _drop_payments(ruled, late_payment_ids(checks))
    # Years first: they decide when a RetirementReached starts retiree benefits (and coverage without
    # contributions), which coverage and settlement use too.
    years = _unless_no_rule_set(lambda: contribution_years(ruled, edition_for), notes, edition_for)
    retiree = retiree_period(ruled, years)
    periods = _coverage_periods(ruled, edition_for, retiree)
    voided = duplicate_refunds(checks, ruled, periods)
    if voided:
        _drop_payments(ruled, voided)
        periods = _coverage_periods(ruled, edition_for, retiree)
    ledger = MemberLedger(
        facts=facts, periods=periods, cover=year_cover(facts), edition_for=edition_for, spells=coverage_spells(periods)
    )
    ledger.beyond_rule_book = beyond
    ledger.contributions = [*checks, *employee_contribution_checks(ruled, edition_for)]
    ledger.contribution_years = years
    ledger.missing_rule_set = notes[0] if notes else None
    settled_claims: list[Claim] = []
    paid_deductibles: list[tuple[Claim, int]] = []
    retroactive = RetroactiveDecisions(ledger.facts, ledger.settlements, ledger.used_fen)
    for claim in facts.claims:
        claim_id = claim.data.claim_id
        if claim_id in ledger.settlements:
            continue  # a claim_id is settled once; a resubmission under a new event_id changes nothing
        # A certification whose node is on or before this admission is decided first: its top-ups use
        # the year's assistance deductible and limit before this claim does.
        retroactive.decide_up_to(claim.data.admitted_on, settled_claims)
        settlement = _settle(ledger, claim, tuple(settled_claims), tuple(paid_deductibles))
        ledger.settlements[claim_id] = settlement
        if settlement.status != "settled":
            continue
        settled_claims.append(claim)
        # Care before a node the fold has already passed: its decision is retaken with this claim in it.
        retroactive.settled(claim, settled_claims)
        if claim.data.setting.value == "inpatient":
            paid_deductibles.append((claim, settlement.deductible_fen))
        for balance_key, amount in settlement.balances:
            used_key = (balance_key, settlement.year)
            ledger.used_fen[used_key] = ledger.used_fen.get(used_key, 0) + amount
        settlement.balances_after = _balances_after(ledger, settlement, claim)
        for programme_key, cap_fen in settlement.programme_caps:
            ledger.programme_caps_fen[(programme_key, settlement.year)] = cap_fen
        if _insurance_fund_fen(settlement) > 0 and _counts_as_fund_use(settlement, claim):
            ledger.fund_use_years.add(settlement.year)
    retroactive.decide_up_to(facts.as_of, settled_claims)
    ledger.retroactive_assistance = retroactive.finish()
    ledger.personal_account = _unless_no_rule_set(
        lambda: personal_account(ruled, edition_for, ledger.contribution_years, ledger.settlements), notes, edition_for
    )
    ledger.maternity = _unless_no_rule_set(
        lambda: maternity(ruled, edition_for, ledger.contribution_years), notes, edition_for
    )
    if ledger.missing_rule_set is None and notes:
        ledger.missing_rule_set = notes[0]
    return ledger


def _coverage_periods(
    facts: MemberFacts, edition_for: EditionFinder, retiree: CoveragePeriod | None
) -> list[CoveragePeriod]:
    """Every coverage period in order: resident years, employee months, and a retiree's coverage without
    contributions."""
    return sorted(
        (
            # From a transfer date on, the origin's coverage of the moved scheme ends (transfers.py).
            cut_at_transfers(period, facts)
            for period in resident_periods(facts, edition_for)
            + employee_periods(facts, edition_for)
            + ([retiree] if retiree else [])
        ),
        key=lambda p: (p.covered_from, p.covered_until, p.scheme),
    )


def _drop_payments(facts: MemberFacts, event_ids: set[str]) -> None:
    if event_ids:
        facts.payments = [p for p in facts.payments if p.event_id not in event_ids]


def _ruled_facts(facts: MemberFacts, edition_for: EditionFinder) -> tuple[MemberFacts, Message | None]:
    """The facts whose contributions have a rule set, and why the others have none (None: all have one)."""
    missing: list[Message] = []
    kept = []
    for payment in facts.payments:
        try:
            edition_for(payment.region, payment.scheme)
        except NoRuleSet as error:
            reason = _missing_reason(error, edition_for)
            if reason not in missing:
                missing.append(reason)
            continue
        kept.append(payment)
    if not missing:
        return facts, None
    return replace(facts, payments=kept), missing[0] if len(missing) == 1 else joined(*missing)


def _missing_reason(error: NoRuleSet, edition_for: EditionFinder) -> Message:
    """``no rule set anshan-employee: …`` naming what the rulebook does hold for the region."""
    partial = partial_edition(edition_for, error.region)
    if partial is not None:
        held = msg("beyond.holds_partial", edition=partial.name, region=error.region)
    else:
        held = msg("beyond.holds_none", region=error.region, scheme=error.scheme)
    return msg("beyond.no_rule_set", region=error.region, scheme=error.scheme, held=held)


def _unless_no_rule_set(compute: Callable[[], T], notes: list[Message], edition_for: EditionFinder) -> T | None:
    """An employee entitlement, or None where a region the history names has no rule set (noted in ``notes``)."""
    try:
        return compute()
    except NoRuleSet as error:
        notes.append(_missing_reason(error, edition_for))
        return None


def _balances_after(ledger: MemberLedger, settlement: Settlement, claim: Claim) -> dict[str, tuple[int | None, int]]:
    """Each layer's yearly cap and what the year has used once this claim is paid."""
    edition = settlement.edition
    after: dict[str, tuple[int | None, int]] = {}
    for layer in settlement.layers_fen:
        cap: int | None = None
        if edition is not None and layer in LAYER_CAP_PARAMETERS and has(edition, LAYER_CAP_PARAMETERS[layer]):
            value = read(edition, LAYER_CAP_PARAMETERS[layer], claim.occurred_on).value
            cap = value if isinstance(value, int) else None
        elif layer == "major_illness" and edition is not None:
            major = ledger.major_illness(settlement.year, edition)
            cap = None if major.uncapped else major.cap_fen
        after[layer] = (cap, ledger.used(layer, settlement.year))
    return after


#: Layers paid from outside the medical-insurance fund (医保基金): medical assistance is 救助资金.
NOT_INSURANCE_FUND_LAYERS = frozenset({"medical_assistance"})


def _insurance_fund_fen(settlement: Settlement) -> int:
    """What the medical-insurance fund (basic pool and the insurance layers on it) paid on a claim."""
    return sum(amount for layer, amount in settlement.layers_fen.items() if layer not in NOT_INSURANCE_FUND_LAYERS)


def _counts_as_fund_use(settlement: Settlement, claim: Claim) -> bool:
    """Zero-claim years end with fund use in the settings the rule set lists (基金零报销, 002 ch.3 九问:
    住院、普通门诊、门诊慢特病等 — an open list, so the rule sets list every setting the pool pays on)."""
    edition = settlement.edition
    if edition is None or not has(edition, "incentives.zero_claim_fund_uses"):
        return True
    uses = read(edition, "incentives.zero_claim_fund_uses", claim.occurred_on).value
    assert isinstance(uses, tuple)
    return claim.data.setting.value in uses


def _major_illness_cap(
    ledger: MemberLedger, period: CoveragePeriod, claim: Claim
) -> tuple[int | None, tuple[ParameterReading, ...]]:
    """The resident's major-illness cap in the claim's year (None: no such layer, or no cap)."""
    if period.scheme != "resident" or not has(period.edition, "major_illness.annual_cap"):
        return None, ()
    cap = ledger.major_illness(claim.data.discharged_on.year, period.edition)
    # No cap for a stay whose admission day the member is certified on (002 ch.3 二十六问): the category counts
    # from its certification date, as the layer's other low-income rules do, whatever the fold's date.
    listed = uncapped_on(ledger.facts, period.edition, claim.data.admitted_on)
    if listed is None:
        return cap.cap_fen, tuple(r for r in cap.readings if r.name != "major_illness.uncapped_categories")
    return None, cap.readings if listed in cap.readings else (*cap.readings, listed)


def _settle(
    ledger: MemberLedger, claim: Claim, earlier: tuple[Claim, ...], deductibles: tuple[tuple[Claim, int], ...]
) -> Settlement:
    admitted_on = claim.data.admitted_on
    spell = ledger.spell_on(admitted_on)
    period = spell.period_on(admitted_on) if spell is not None else None
    reference = period or ledger.latest_period(admitted_on)
    edition = reference.edition if reference else None
    blank = Settlement(
        claim_id=claim.data.claim_id,
        member_id=ledger.facts.member_id,
        event_id=claim.event_id,
        edition=edition,
        status="settled",
        total_fen=claim.data.total_amount,
        layers_fen=dict.fromkeys(layers_of(edition) if edition else (), 0),
        year=claim.data.discharged_on.year,
    )
    reversal = ledger.facts.reversals.get(claim.data.claim_id)
    if reversal is not None:
        blank.status = "reversed"
        reversed_because = msg("reason.reversed", on=reversal[0], reason=reversal[1].reason)
        blank.reason_messages.append(reversed_because)
        return blank
    if period is None and ledger.missing_rule_set is not None:
        return settle_beyond_rule_book(
            facts=ledger.facts,
            claim=claim,
            missing=ledger.missing_rule_set,
            edition_for=ledger.edition_for,
            settlement=blank,
        )
    if spell is None or period is None:
        region = ledger.facts.region_on(admitted_on)
        for beyond in ledger.beyond_rule_book:
            if beyond.region == region and beyond.since <= admitted_on:
                return reject(blank, msg("reason.beyond_rule_book", text=beyond.text()))
        return reject(blank, msg("reason.not_covered", admitted_on=admitted_on))
    if not spell.benefits_on(admitted_on):
        if spell.waiting is not None and admitted_on < spell.benefits_from:
            return reject(
                blank,
                msg("reason.waiting", admitted_on=admitted_on, reason=spell.waiting.reason, ends=spell.benefits_from),
            )
        if spell.suspended_on(admitted_on):
            return reject(blank, msg("reason.suspended", admitted_on=admitted_on, basis=period.basis))
        return reject(blank, msg("reason.no_benefits", admitted_on=admitted_on, basis=period.basis))
    try:
        cap_fen, cap_readings = _major_illness_cap(ledger, period, claim)
        context = ClaimContext(
            facts=ledger.facts,
            claim=claim,
            period=period,
            edition=period.edition,
            used_fen=ledger.used_fen,
            earlier_claims=earlier,
            paid_deductibles=deductibles,
            major_illness_cap_fen=cap_fen,
            major_illness_readings=cap_readings,
            contribution_years=ledger.contribution_years,
        )
        return settle_claim(context)
    except DateOutOfRangeError as error:
        return reject(blank, msg("reason.no_rules_on_date", error=str(error)))
