"""Second layers: what the member's basic-pool co-pay goes on to (rules-digest §6).

Order (rules-digest §6): employees — civil-servant subsidy (Bazhong), supplementary insurance
(Shenyang), large-amount subsidy; residents — major-illness insurance. Each works on what the
layers before it left to the member, within the policy scope, and draws on its own annual
balance. A layer the member's rule set does not have is not run.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.entitlements.ages import age_kind
from domain.entitlements.periods import has
from domain.messages import Message, msg
from domain.money import fen_times_ratio, format_yuan
from domain.policies import Bands, Edition, ParameterReading, Table, Tier
from domain.settlement.assistance import settle_assistance
from domain.settlement.errors import NotSettleable
from domain.settlement.model import BasicPoolResult, ClaimContext, Settlement, shifted
from domain.settlement.remote_outpatient import remote_emergency_ratio_change

TEMPORARY_REMOTE_LOCATIONS = ("remote_temporary_referral", "remote_temporary_other")
#: Stays of 临时外出人员 for the supplementary bands (000 补充医疗保险待遇 4): an emergency stay away is one too —
#: 000 异地就医待遇 5 speaks of 临时外出人员(含异地长期居住人员在备案地以外) and the category is 除上述情况外 everyone
#: away but long-term residents (异地就医参保人员类别划分 2); it keeps its own basic-pool and major-illness rules.
SUPPLEMENTARY_TEMPORARY_LOCATIONS = (*TEMPORARY_REMOTE_LOCATIONS, "remote_emergency")


def settled_location(ctx: ClaimContext) -> str:
    """The location the basic pool settled the stay as (an unfiled long-term stay is temporary care, a
    university student away is long-term), so the second layers follow the same class of remote care."""
    from domain.settlement.settle import effective_location  # settle imports this module

    if ctx.claim.data.setting.value != "inpatient":
        return ctx.claim.data.location.value
    return effective_location(ctx)[0]


def _read(edition: Edition, name: str, on: date) -> ParameterReading:
    return edition.reading(name, on)


def settle_second_layers(ctx: ClaimContext, basic: BasicPoolResult, settlement: Settlement) -> None:
    """Run the member's later layers on the basic pool's result; fills ``settlement`` in place.

    A second layer pays only on the settings its rule set lists (``<layer>.settings``) and on the
    co-pay the basic pool sends on (none for single-payment drugs); medical assistance then works
    on whatever policy-scope cost is still the member's.
    """
    layers = settlement.layers_fen
    if basic.second_layer_base_fen > 0 and ctx.claim.data.setting.value == "outpatient_pooling":
        for layer in ("civil_servant", "large_amount"):
            if layer in layers and has(ctx.edition, f"{layer}.outpatient_ratio"):
                _outpatient_share(ctx, settlement, layer)
    elif basic.second_layer_base_fen > 0:
        if "civil_servant" in layers and _covers(ctx, "civil_servant", settlement):
            _civil_servant(ctx, basic, settlement)
        if "supplementary" in layers and _covers(ctx, "supplementary", settlement):
            _supplementary(ctx, basic, settlement)
        if "large_amount" in layers and _covers(ctx, "large_amount", settlement):
            if has(ctx.edition, "large_amount.copay_ratio_factor"):
                _large_amount_above_basic_cap(ctx, basic, settlement)
            elif has(ctx.edition, "large_amount.tiers"):
                _large_amount_cumulative(ctx, basic, settlement)
        if "major_illness" in layers and _covers(ctx, "major_illness", settlement):
            _major_illness(ctx, basic, settlement)
    if "medical_assistance" in layers:
        settle_assistance(ctx, settlement)


def _outpatient_share(ctx: ClaimContext, settlement: Settlement, layer: str) -> None:
    """Bazhong employees' outpatient pooling (002 ch.2 三十九问): the civil-servant subsidy (civil servants
    only) and the large-amount subsidy each pay a share of what is left, within their own yearly limits."""
    edition, on = ctx.edition, ctx.claim.occurred_on
    if layer == "civil_servant" and not ctx.facts.has_category("civil_servant", ctx.service_on):
        return
    ratio = _read(edition, f"{layer}.outpatient_ratio", on)
    cap = _read(edition, f"{layer}.outpatient_annual_cap", on)
    assert isinstance(ratio.value, Decimal) and isinstance(cap.value, int)
    left = _left_to_member(ctx, settlement)
    raw = fen_times_ratio(left, ratio.value)
    key = f"{layer}.outpatient"
    paid = min(raw, max(0, cap.value - ctx.used(key)))
    _pay(settlement, layer, paid, (key, paid))
    settlement.explanations.add(
        f"layers.{layer}",
        msg(
            "second.outpatient_share",
            layer=layer,
            ratio=ratio.value,
            left=format_yuan(left),
            raw=format_yuan(raw),
            paid=format_yuan(paid),
        ),
        edition,
        ratio,
        cap,
    )


def _listed(ctx: ClaimContext, name: str) -> tuple[str, ...]:
    value = _read(ctx.edition, name, ctx.claim.occurred_on).value
    assert isinstance(value, tuple)
    return value


def _covers(ctx: ClaimContext, layer: str, settlement: Settlement) -> bool:
    """Whether the layer pays on this claim's setting (``<layer>.settings``); says so when it does not."""
    settings = _read(ctx.edition, f"{layer}.settings", ctx.claim.occurred_on)
    assert isinstance(settings.value, tuple)
    setting = ctx.claim.data.setting.value
    if setting in settings.value:
        return True
    if layer == "civil_servant" and has(ctx.edition, "civil_servant.class1_settings"):
        if setting in _listed(ctx, "civil_servant.class1_settings"):
            return True
    settlement.explanations.add(
        f"layers.{layer}", msg("second.not_on_setting", layer=layer, setting=setting), ctx.edition, settings
    )
    return False


def _pay(settlement: Settlement, layer: str, amount_fen: int, *extra_balances: tuple[str, int]) -> None:
    settlement.layers_fen[layer] += amount_fen
    settlement.balances.append((layer, amount_fen))
    settlement.balances.extend(extra_balances)


def _left_to_member(ctx: ClaimContext, settlement: Settlement) -> int:
    """Policy-scope cost no layer has paid yet."""
    return max(0, ctx.claim.data.policy_amount - sum(settlement.layers_fen.values()))


def _cumulative_increment(bands: Bands, *, before_fen: int, this_fen: int, threshold_fen: int) -> int:
    """What a cumulative yearly schedule owes for this claim's part: due(after) − due(before)."""
    return bands.amount_due(base_fen=before_fen + this_fen, threshold_fen=threshold_fen) - bands.amount_due(
        base_fen=before_fen, threshold_fen=threshold_fen
    )


# --------------------------------------------------------------------------- Bazhong employees


def _civil_servant(ctx: ClaimContext, basic: BasicPoolResult, settlement: Settlement) -> None:
    """Civil-servant subsidy (002 ch.2 三十三问): a share of what the basic pool left, within its yearly cap."""
    on = ctx.claim.occurred_on
    if not ctx.facts.has_category("civil_servant", ctx.service_on):
        return
    class1 = ctx.claim.data.setting.value in _listed(ctx, "civil_servant.class1_settings")
    ratio = _read(ctx.edition, "civil_servant.class1_special_ratio" if class1 else "civil_servant.ratio", on)
    cap = _read(ctx.edition, "civil_servant.class1_special_annual_cap" if class1 else "civil_servant.annual_cap", on)
    assert isinstance(ratio.value, Decimal) and isinstance(cap.value, int)
    # Class-I special diseases have their own yearly limit, outside the 20,000 one (002 ch.2 三十三问).
    key = "civil_servant.class1" if class1 else "civil_servant"
    raw = fen_times_ratio(basic.second_layer_base_fen, ratio.value)
    paid = min(raw, max(0, cap.value - ctx.used(key)))
    settlement.layers_fen["civil_servant"] += paid
    settlement.balances.append((key, paid))
    settlement.explanations.add(
        "layers.civil_servant",
        msg(
            "second.civil_servant",
            ratio=ratio.value,
            left=format_yuan(basic.second_layer_base_fen),
            raw=format_yuan(raw),
            paid=format_yuan(paid),
        ),
        ctx.edition,
        ratio,
        cap,
    )


def _bazhong_large_amount_kind(ctx: ClaimContext, on: date) -> tuple[str, ParameterReading | None]:
    if ctx.facts.has_category("age_80_plus", on) or age_kind(ctx.facts, ctx.edition, "age_80_plus", on)[0]:
        return "age_80_plus", None
    listed = _read(ctx.edition, "large_amount.listed_diseases", ctx.claim.occurred_on)
    assert isinstance(listed.value, tuple)
    flags = {f.value for f in ctx.claim.data.flags} | {ctx.claim.data.condition or ""}
    if ctx.retired(on) or flags & set(listed.value):
        return "retired_or_listed_disease", listed
    return "ordinary", listed


def _large_amount_cumulative(ctx: ClaimContext, basic: BasicPoolResult, settlement: Settlement) -> None:
    """Bazhong (002 ch.2 三十六问): the rest after basic pool and civil-servant subsidy, less a deductible,
    paid in cumulative yearly tiers by member kind."""
    edition, on = ctx.edition, ctx.claim.occurred_on
    kind, listed = _bazhong_large_amount_kind(ctx, ctx.service_on)
    deductibles = _read(edition, "large_amount.deductible", on)
    assert isinstance(deductibles.value, Table)
    deductible = deductibles.value.cell(kind)
    assert isinstance(deductible, int)
    readings: list[ParameterReading] = [deductibles] + ([listed] if listed else [])
    if kind == "ordinary":
        tiers_reading = _read(edition, "readings.bazhong_large_amount_ordinary_ratio", on)
        bands = tiers_reading.value
    else:
        tiers_reading = _read(edition, "large_amount.tiers", on)
        assert isinstance(tiers_reading.value, Table)
        bands = tiers_reading.value.cell(kind)
    assert isinstance(bands, Bands)
    readings.append(tiers_reading)
    base = max(0, _left_to_member(ctx, settlement) - deductible)
    before = ctx.used("large_amount.base")
    raw = _cumulative_increment(bands, before_fen=before, this_fen=base, threshold_fen=0)
    cap = _read(edition, "large_amount.annual_cap", on)
    assert isinstance(cap.value, int)
    paid = min(raw, max(0, cap.value - ctx.used("large_amount")))
    _pay(settlement, "large_amount", paid, ("large_amount.base", base))
    settlement.explanations.add(
        "layers.large_amount",
        msg(
            "second.large_amount_cumulative",
            kind=kind,
            left=format_yuan(base + deductible),
            deductible=format_yuan(deductible),
            before=format_yuan(before),
            after=format_yuan(before + base),
            raw=format_yuan(raw),
            paid=format_yuan(paid),
        ),
        edition,
        *readings,
        cap,
    )


# --------------------------------------------------------------------------- Shenyang employees


def _supplementary(ctx: ClaimContext, basic: BasicPoolResult, settlement: Settlement) -> None:
    """Supplementary insurance (000 补充医疗保险待遇): the member's ratio share within the basic-pool stage,
    deductible excluded, in marginal bands per settlement (readings.supplementary_band_basis)."""
    edition, on = ctx.edition, ctx.claim.occurred_on
    remote = settled_location(ctx) in SUPPLEMENTARY_TEMPORARY_LOCATIONS
    name = "supplementary.temporary_remote_bands" if remote else "supplementary.local_bands"
    bands_reading = _read(edition, name, on)
    basis = _read(edition, "readings.supplementary_band_basis", on)
    assert isinstance(bands_reading.value, Bands)
    copay = basic.copay_excluding_deductible_fen
    paid = min(bands_reading.value.amount_due(base_fen=copay), _left_to_member(ctx, settlement))
    _pay(settlement, "supplementary", paid)
    settlement.explanations.add(
        "layers.supplementary",
        msg("second.supplementary", copay=format_yuan(copay), paid=format_yuan(paid)),
        edition,
        bands_reading,
        basis,
    )


def _large_amount_above_basic_cap(ctx: ClaimContext, basic: BasicPoolResult, settlement: Settlement) -> None:
    """Shenyang (000 大额医疗保险待遇 3): beyond the basic-pool cap, the basic pool's deductible and co-pay
    ratios, lowered by ``large_amount.deductible_factor`` / ``large_amount.copay_ratio_factor`` in the
    places of ``large_amount.reduced_locations`` (the city and the long-term filed place).

    Other remote care "按异地就医有关规定执行" (000 异地就医待遇 3, 5): a temporary or emergency remote stay
    (``large_amount.remote_row_standard_locations``) is paid at the deductible and ratio of its table row
    (异地医疗机构起付标准和报销比例执行标准) — without the basic pool's remote changes and without the 50 %
    reduction; emergency outpatient rescue away from home at the local large-amount ratio less
    ``remote.emergency_outpatient_ratio_reduction`` (包括…职工大额医疗保险补偿比例下调10个百分点).
    """
    if basic.capped_base_fen <= 0:
        return
    edition, on = ctx.edition, ctx.claim.occurred_on
    if ctx.claim.data.setting.value in ("chronic", "special"):
        _large_amount_programme(ctx, basic, settlement)
        return
    if basic.ratio is None:
        raise NotSettleable(msg("reason.large_amount_needs_ratio"))
    copay_factor = _read(edition, "large_amount.copay_ratio_factor", on)
    deductible_factor = _read(edition, "large_amount.deductible_factor", on)
    cap = _read(edition, "large_amount.annual_cap", on)
    assert isinstance(copay_factor.value, Decimal) and isinstance(deductible_factor.value, Decimal)
    assert isinstance(cap.value, int)
    readings: list[ParameterReading] = [cap]
    ratio, deductible, how = _large_amount_terms(ctx, basic, (copay_factor, deductible_factor), readings)
    base = basic.capped_base_fen
    if basic.amount_fen == 0:
        # The whole stay falls beyond the cap: only the large-amount layer's own deductible is the member's.
        base += basic.deductible_fen - deductible
    raw = fen_times_ratio(base, ratio)
    paid = min(raw, max(0, cap.value - ctx.used("large_amount")), _left_to_member(ctx, settlement))
    _pay(settlement, "large_amount", paid)
    settlement.explanations.add(
        "layers.large_amount",
        msg(
            "second.large_amount_terms",
            base=format_yuan(base),
            ratio=ratio,
            how=how,
            raw=format_yuan(raw),
            paid=format_yuan(paid),
        ),
        edition,
        *readings,
    )


def _large_amount_terms(
    ctx: ClaimContext,
    basic: BasicPoolResult,
    factors: tuple[ParameterReading, ParameterReading],
    readings: list[ParameterReading],
) -> tuple[Decimal, int, Message]:
    """The large-amount ratio, its deductible and the words for them, by where the care was settled; the
    readings used are appended to ``readings``."""
    assert basic.ratio is not None
    copay_factor, deductible_factor = (factor.value for factor in factors)
    assert isinstance(copay_factor, Decimal) and isinstance(deductible_factor, Decimal)
    edition, on = ctx.edition, ctx.claim.occurred_on
    location = settled_location(ctx)
    reduced = _read(edition, "large_amount.reduced_locations", on)
    assert isinstance(reduced.value, tuple)
    readings.append(reduced)
    if ctx.claim.data.setting.value == "emergency":
        change, note, change_readings = remote_emergency_ratio_change(ctx)
        readings.extend((*factors, *change_readings))
        local_ratio = basic.ratio - change
        ratio = Decimal(1) - (Decimal(1) - local_ratio) * copay_factor
        how = msg("second.copay_times", copay=1 - local_ratio, factor=copay_factor)
        if change:
            ratio = min(Decimal(1), max(Decimal(0), ratio + change))
            how = msg("second.copay_then_change", copay=how, change=change, note=note)
        return ratio, fen_times_ratio(basic.deductible_fen, deductible_factor), how
    if location in reduced.value:
        readings.extend(factors)
        ratio = Decimal(1) - (Decimal(1) - basic.ratio) * copay_factor
        return (
            ratio,
            fen_times_ratio(basic.deductible_fen, deductible_factor),
            msg("second.copay_times", copay=1 - basic.ratio, factor=copay_factor),
        )
    standard = _read(edition, "large_amount.remote_row_standard_locations", on)
    assert isinstance(standard.value, tuple)
    readings.append(standard)
    if location not in standard.value:
        raise NotSettleable(msg("reason.no_large_amount_location_rule", edition=edition.name, location=location))
    ratio = basic.standard_ratio if basic.standard_ratio is not None else basic.ratio
    deductible = basic.standard_deductible_fen if basic.standard_deductible_fen is not None else basic.deductible_fen
    return (
        ratio,
        deductible,
        msg("second.remote_row_standard", location=location, deductible=format_yuan(deductible)),
    )


def _large_amount_programme(ctx: ClaimContext, basic: BasicPoolResult, settlement: Settlement) -> None:
    """Shenyang chronic and special outpatient care beyond the basic-pool cap: the large-amount layer's own
    ratios, dialysis and the rest, in-service and retired (000 大额医疗保险待遇 3)."""
    edition, on = ctx.edition, ctx.claim.occurred_on
    ratios = _read(edition, "large_amount.chronic_special_ratio", on)
    dialysis = _read(edition, "special_disease.dialysis_conditions", on)
    cap = _read(edition, "large_amount.annual_cap", on)
    assert isinstance(ratios.value, Table) and isinstance(dialysis.value, tuple) and isinstance(cap.value, int)
    condition = ctx.claim.data.condition
    row = "dialysis" if ctx.claim.data.setting.value == "special" and condition in dialysis.value else "other"
    column = "retired" if ctx.retired(ctx.service_on) else "in_service"
    ratio = ratios.value.cell(row, column)
    assert isinstance(ratio, Decimal)
    raw = fen_times_ratio(basic.capped_base_fen, ratio)
    paid = min(raw, max(0, cap.value - ctx.used("large_amount")), _left_to_member(ctx, settlement))
    _pay(settlement, "large_amount", paid)
    settlement.explanations.add(
        "layers.large_amount",
        msg(
            "second.large_amount_programme",
            row=row,
            column=column,
            base=format_yuan(basic.capped_base_fen),
            ratio=ratio,
            raw=format_yuan(raw),
            paid=format_yuan(paid),
        ),
        edition,
        ratios,
        dialysis,
        cap,
    )


# --------------------------------------------------------------------------- residents


def _major_illness(ctx: ClaimContext, basic: BasicPoolResult, settlement: Settlement) -> None:
    """Major-illness insurance (001 大病保险; 002 ch.3 二十三问): the year's cumulative policy-scope co-pay
    above a threshold, paid in tiers, within the member's cap (with incentives and penalty)."""
    edition, on = ctx.edition, ctx.claim.occurred_on
    base_reading = _read(edition, "readings.major_illness_base", on)
    tiers = _read(edition, "major_illness.tiers", on)
    threshold = _read(edition, "major_illness.threshold", on)
    assert isinstance(tiers.value, Bands) and isinstance(threshold.value, int)
    bands, threshold_fen = tiers.value, threshold.value
    readings: list[ParameterReading] = [base_reading, tiers, threshold]
    notes: list[Message] = []
    low_income = _read(edition, "major_illness.low_income_categories", on)
    assert isinstance(low_income.value, tuple)
    held = [c for c in low_income.value if ctx.facts.has_category(c, ctx.service_on)]
    if held:
        readings.append(low_income)
        if has(edition, "major_illness.low_income_threshold"):
            special = _read(edition, "major_illness.low_income_threshold", on)
            ratio = _read(edition, "major_illness.low_income_ratio", on)
            assert isinstance(special.value, int) and isinstance(ratio.value, Decimal)
            threshold_fen = special.value
            bands = Bands(bands.basis, (Tier(0, ratio.value),))
            readings += [special, ratio]
        else:
            reduction = _read(edition, "major_illness.low_income_threshold_reduction", on)
            raise_points = _read(edition, "major_illness.low_income_ratio_raise", on)
            assert isinstance(reduction.value, Decimal) and isinstance(raise_points.value, Decimal)
            threshold_fen -= fen_times_ratio(threshold_fen, reduction.value)
            bands = shifted(bands, raise_points.value)
            readings += [reduction, raise_points]
        notes.append(msg("second.low_income", categories=held))
    location = settled_location(ctx)
    if location in TEMPORARY_REMOTE_LOCATIONS and has(edition, "remote.temporary_major_illness_ratio_reduction"):
        reduction = _read(edition, "remote.temporary_major_illness_ratio_reduction", on)
        assert isinstance(reduction.value, Decimal)
        bands = shifted(bands, -reduction.value)
        readings.append(reduction)
        notes.append(msg("second.temporary_remote"))
    this = basic.second_layer_base_fen
    before = ctx.used("major_illness.base")
    raw = _cumulative_increment(bands, before_fen=before, this_fen=this, threshold_fen=threshold_fen)
    room = _left_to_member(ctx, settlement)
    if ctx.major_illness_cap_fen is not None:
        room = min(room, max(0, ctx.major_illness_cap_fen - ctx.used("major_illness")))
    paid = min(raw, room)
    _pay(settlement, "major_illness", paid, ("major_illness.base", this))
    cap_text = (
        msg("second.no_cap")
        if ctx.major_illness_cap_fen is None
        else msg("second.cap", cap=format_yuan(ctx.major_illness_cap_fen))
    )
    settlement.explanations.add(
        "layers.major_illness",
        msg(
            "second.major_illness",
            notes=msg("second.major_illness_notes", notes=notes) if notes else "",
            this=format_yuan(this),
            before=format_yuan(before),
            after=format_yuan(before + this),
            threshold=format_yuan(threshold_fen),
            raw=format_yuan(raw),
            paid=format_yuan(paid),
            cap=cap_text,
        ),
        edition,
        *readings,
        *ctx.major_illness_readings,
    )
