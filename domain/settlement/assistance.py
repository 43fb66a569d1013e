"""Medical assistance (医疗救助): the last layer, for certified low-income members.

Shenyang (001 医疗救助 3): basic assistance (``assistance.basic.*``: deductible counted across the
year, ratio, yearly limit), then tilt assistance on what is left (``assistance.tilt.*``, no cap),
full assistance for severe mental illness admissions (``assistance.severe_mental_illness_inpatient_ratio``),
and outpatient assistance (``assistance.outpatient.*``). Bazhong (002 ch.6 五问): routine
assistance with a deductible that is a share of the prior year's disposable income
(``assistance.regular.*``), then tilt assistance on the year's cumulative self-pay above the
monitoring line (``assistance.tilt.*``) for care in the province (not emergencies elsewhere or
long-term filings). A member with several categories gets the most favourable one (待遇就高).
Assistance works on the policy-scope cost the funds before it left to the member.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.entitlements.periods import has
from domain.messages import msg
from domain.money import fen_times_ratio, format_yuan
from domain.policies import Edition, ParameterReading, Table
from domain.settlement.model import ClaimContext, Settlement

LAYER = "medical_assistance"


def _read(edition: Edition, name: str, on: date) -> ParameterReading:
    return edition.reading(name, on)


def _table(reading: ParameterReading) -> Table:
    assert isinstance(reading.value, Table)
    return reading.value


def _money(value: object) -> int:
    assert isinstance(value, int) and not isinstance(value, bool)
    return value


def _ratio(value: object) -> Decimal:
    assert isinstance(value, Decimal)
    return value


def _left(ctx: ClaimContext, settlement: Settlement) -> int:
    return max(0, ctx.claim.data.policy_amount - sum(settlement.layers_fen.values()))


def _category(ctx: ClaimContext, ratios: Table) -> str | None:
    """The member's most favourable assistance category on the service day (highest ratio)."""
    held = [row for row in ratios.rows if ctx.facts.has_category(row, ctx.service_on)]
    if not held:
        return None
    return max(held, key=lambda row: (_ratio(ratios.cell(row)), -ratios.rows.index(row)))


def _pay(settlement: Settlement, amount_fen: int, *balances: tuple[str, int]) -> None:
    settlement.layers_fen[LAYER] += amount_fen
    settlement.balances.append((LAYER, amount_fen))
    settlement.balances.extend(balances)


def settle_assistance(ctx: ClaimContext, settlement: Settlement) -> None:
    """Medical assistance on what the layers before it left to the member."""
    edition, on = ctx.edition, ctx.claim.occurred_on
    setting = ctx.claim.data.setting.value
    if setting in _listed(edition, "assistance.settings", on):
        if has(edition, "assistance.basic.ratio"):
            _shenyang(ctx, settlement)
        elif has(edition, "assistance.regular.ratio"):
            _bazhong(ctx, settlement)
    elif has(edition, "assistance.outpatient.settings") and setting in _listed(
        edition, "assistance.outpatient.settings", on
    ):
        _shenyang_outpatient(ctx, settlement)


def _listed(edition: Edition, name: str, on: date) -> tuple[str, ...]:
    value = _read(edition, name, on).value
    assert isinstance(value, tuple)
    return value


def _shenyang(ctx: ClaimContext, settlement: Settlement) -> None:
    edition, on = ctx.edition, ctx.claim.occurred_on
    ratios = _read(edition, "assistance.basic.ratio", on)
    category = _category(ctx, _table(ratios))
    if category is None:
        if has(edition, "assistance.illness_poverty.basic_ratio") and ctx.facts.has_category(
            "illness_poverty", ctx.service_on
        ):
            _shenyang_illness_poverty(ctx, settlement)
        return
    flags = {f.value for f in ctx.claim.data.flags}
    if "psychiatric" in flags and ctx.claim.data.setting.value == "inpatient":
        full = _read(edition, "assistance.severe_mental_illness_inpatient_ratio", on)
        paid = fen_times_ratio(_left(ctx, settlement), _ratio(full.value))
        _pay(settlement, paid)
        settlement.explanations.add(
            "layers.medical_assistance",
            msg("assistance.severe_mental", category=category, paid=format_yuan(paid)),
            edition,
            full,
        )
        return
    deductibles = _read(edition, "assistance.basic.deductible", on)
    cap = _read(edition, "assistance.basic.annual_cap", on)
    left = _left(ctx, settlement)
    deductible_due = max(0, _money(_table(deductibles).cell(category)) - ctx.used("assistance.basic.deductible"))
    deductible_now = min(left, deductible_due)
    basic_raw = fen_times_ratio(left - deductible_now, _ratio(_table(ratios).cell(category)))
    basic = min(basic_raw, max(0, _money(cap.value) - ctx.used("assistance.basic")))
    _pay(settlement, basic, ("assistance.basic", basic), ("assistance.basic.deductible", deductible_now))
    tilt_ratios = _read(edition, "assistance.tilt.ratio", on)
    tilt_deductibles = _read(edition, "assistance.tilt.deductible", on)
    left = _left(ctx, settlement)
    tilt_due = max(0, _money(_table(tilt_deductibles).cell(category)) - ctx.used("assistance.tilt.deductible"))
    tilt_deductible_now = min(left, tilt_due)
    tilt = fen_times_ratio(left - tilt_deductible_now, _ratio(_table(tilt_ratios).cell(category)))
    _pay(settlement, tilt, ("assistance.tilt", tilt), ("assistance.tilt.deductible", tilt_deductible_now))
    settlement.explanations.add(
        "layers.medical_assistance",
        msg(
            "assistance.shenyang",
            category=category,
            basic=format_yuan(basic),
            deductible=format_yuan(deductible_now),
            tilt=format_yuan(tilt),
            tilt_deductible=format_yuan(tilt_deductible_now),
        ),
        edition,
        ratios,
        deductibles,
        cap,
        tilt_ratios,
        tilt_deductibles,
    )


def _stage(
    ctx: ClaimContext, settlement: Settlement, *, prefix: str, stage: str
) -> tuple[int, int, list[ParameterReading]]:
    """One assistance stage on what is left: a deductible counted across the year, a ratio, a yearly limit."""
    edition, on = ctx.edition, ctx.claim.occurred_on
    deductible = _read(edition, f"{prefix}.{stage}_deductible", on)
    ratio = _read(edition, f"{prefix}.{stage}_ratio", on)
    cap = _read(edition, f"{prefix}.{stage}_cap", on)
    left = _left(ctx, settlement)
    owed = min(left, max(0, _money(deductible.value) - ctx.used(f"{prefix}.{stage}.deductible")))
    raw = fen_times_ratio(left - owed, _ratio(ratio.value))
    paid = min(raw, max(0, _money(cap.value) - ctx.used(f"{prefix}.{stage}")))
    _pay(settlement, paid, (f"{prefix}.{stage}", paid), (f"{prefix}.{stage}.deductible", owed))
    return paid, owed, [deductible, ratio, cap]


def _shenyang_illness_poverty(ctx: ClaimContext, settlement: Settlement) -> None:
    """001 医疗救助 3 (四): 因病致贫重病患者, basic then tilt assistance, each with its deductible and limit.

    The seed pays it once, on application, over the 12 months before it
    (``assistance.illness_poverty.lookback_months``); the ledger settles it claim by claim within the
    calendar year, which gives the same sums when the year's claims are the look-back's.
    """
    prefix = "assistance.illness_poverty"
    basic, basic_owed, basic_readings = _stage(ctx, settlement, prefix=prefix, stage="basic")
    tilt, tilt_owed, tilt_readings = _stage(ctx, settlement, prefix=prefix, stage="tilt")
    lookback = _read(ctx.edition, f"{prefix}.lookback_months", ctx.claim.occurred_on)
    settlement.explanations.add(
        "layers.medical_assistance",
        msg(
            "assistance.illness_poverty",
            basic=format_yuan(basic),
            deductible=format_yuan(basic_owed),
            tilt=format_yuan(tilt),
            tilt_deductible=format_yuan(tilt_owed),
        ),
        ctx.edition,
        *basic_readings,
        *tilt_readings,
        lookback,
    )


def _shenyang_outpatient(ctx: ClaimContext, settlement: Settlement) -> None:
    edition, on = ctx.edition, ctx.claim.occurred_on
    ratios = _read(edition, "assistance.outpatient.ratio", on)
    category = _category(ctx, _table(ratios))
    if category is None:
        return
    ratio_reading = ratios
    ratio = _ratio(_table(ratios).cell(category))
    disabled = _listed(edition, "assistance.outpatient.disabled_categories", on)
    if ctx.facts.has_category("severe_disability", ctx.service_on) and category in disabled:
        ratio_reading = _read(edition, "assistance.outpatient.disabled_ratio", on)
        ratio = _ratio(ratio_reading.value)
    caps = _read(edition, "assistance.outpatient.annual_cap", on)
    raw = fen_times_ratio(_left(ctx, settlement), ratio)
    paid = min(raw, max(0, _money(_table(caps).cell(category)) - ctx.used("assistance.outpatient")))
    _pay(settlement, paid, ("assistance.outpatient", paid))
    settlement.explanations.add(
        "layers.medical_assistance",
        msg(
            "assistance.outpatient",
            category=category,
            ratio=ratio,
            base=format_yuan(_left(ctx, settlement) + paid),
            raw=format_yuan(raw),
            paid=format_yuan(paid),
        ),
        edition,
        ratio_reading,
        caps,
    )


def _bazhong(ctx: ClaimContext, settlement: Settlement) -> None:
    edition, on = ctx.edition, ctx.claim.occurred_on
    ratios = _read(edition, "assistance.regular.ratio", on)
    category = _category(ctx, _table(ratios))
    if category is None:
        return
    shares = _read(edition, "assistance.regular.deductible_income_share", on)
    income = _read(edition, "income.prior_year_disposable_income_per_capita", on)
    caps = _read(edition, "assistance.regular.annual_cap", on)
    deductible_year = fen_times_ratio(_money(income.value), _ratio(_table(shares).cell(category)))
    left = _left(ctx, settlement)
    deductible_now = min(left, max(0, deductible_year - ctx.used("assistance.regular.deductible")))
    raw = fen_times_ratio(left - deductible_now, _ratio(_table(ratios).cell(category)))
    regular = min(raw, max(0, _money(_table(caps).cell(category)) - ctx.used("assistance.regular")))
    _pay(settlement, regular, ("assistance.regular", regular), ("assistance.regular.deductible", deductible_now))
    readings = [ratios, shares, income, caps]
    parts = [
        msg(
            "assistance.routine",
            category=category,
            regular=format_yuan(regular),
            deductible=format_yuan(deductible_now),
            deductible_year=format_yuan(deductible_year),
        )
    ]
    excluded = _read(edition, "assistance.tilt.excluded_locations", on)
    if ctx.claim.data.location.value not in _listed(edition, "assistance.tilt.excluded_locations", on):
        line = _read(edition, "assistance.tilt.threshold", on)
        tilt_ratios = _read(edition, "assistance.tilt.ratio", on)
        tilt_caps = _read(edition, "assistance.tilt.annual_cap", on)
        self_pay = _left(ctx, settlement)
        before = ctx.used("assistance.tilt.base")
        above = max(0, before + self_pay - _money(line.value)) - max(0, before - _money(line.value))
        tilt_raw = fen_times_ratio(above, _ratio(_table(tilt_ratios).cell(category)))
        tilt = min(tilt_raw, max(0, _money(_table(tilt_caps).cell(category)) - ctx.used("assistance.tilt")))
        _pay(settlement, tilt, ("assistance.tilt", tilt), ("assistance.tilt.base", self_pay))
        readings += [line, tilt_ratios, tilt_caps, excluded]
        parts.append(msg("assistance.tilt_above_line", tilt=format_yuan(tilt)))
    settlement.explanations.add("layers.medical_assistance", msg("list.joined", parts=parts), edition, *readings)
