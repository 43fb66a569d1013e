"""Settle one claim layer by layer; the inpatient basic pool is the first path built.

Inpatient basic pool (rules-digest §6): ``(policy_amount − deductible) × ratio`` by facility
level and person kind, capped by the basic-pool balance of the year; deductible exemptions for
listed diagnoses and childbirth, cancer once a year, the Shenyang employee repeated-admission
reduction and the Bazhong transfer rule — each only where the member's rule set has it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from domain.contract import ClaimFlag, ClaimSetting
from domain.entitlements.ages import age_kind
from domain.entitlements.periods import has
from domain.explain import Explanations
from domain.messages import Message, as_message, msg
from domain.money import fen_divided_by_ratio, fen_times_ratio, format_yuan
from domain.policies import Bands, Edition, ParameterReading, Table
from domain.settlement.cross_year import explain_cross_year
from domain.settlement.deadlines import deadline_refusal
from domain.settlement.errors import NotSettleable
from domain.settlement.levels import facility_row, mapped_note
from domain.settlement.model import BasicPoolResult, ClaimContext, Settlement, layers_of, shifted
from domain.settlement.programmes import settle_programme
from domain.settlement.second_layers import settle_second_layers

#: Categories that put a resident in the student-or-minor column of the inpatient tables.
STUDENT_OR_MINOR_CATEGORIES = ("student", "university_student", "minor", "newborn")


def read(edition: Edition, name: str, on: date) -> ParameterReading:
    """Settlement reads strictly: a claim dated before a parameter's first value is refused."""
    return edition.reading(name, on)


def settle_claim(ctx: ClaimContext) -> Settlement:
    """The settlement of ``ctx.claim``; nothing is paid where coverage or the rules do not allow it."""
    claim = ctx.claim
    layers = layers_of(ctx.edition)
    settlement = Settlement(
        claim_id=claim.data.claim_id,
        member_id=ctx.facts.member_id,
        event_id=claim.event_id,
        edition=ctx.edition,
        status="settled",
        total_fen=claim.data.total_amount,
        layers_fen=dict.fromkeys(layers, 0),
        year=ctx.year,
    )
    late = deadline_refusal(ctx, settlement.explanations)
    if late is not None:
        return reject(settlement, late)
    try:
        explain_cross_year(ctx, settlement.explanations)
        if claim.data.setting is ClaimSetting.INPATIENT:
            basic = _inpatient_basic_pool(ctx, settlement.explanations)
        else:
            basic = settle_programme(ctx, settlement.explanations)
    except NotSettleable as refusal:
        return reject(settlement, refusal.reason)
    settlement.layers_fen["basic_pool"] = basic.amount_fen
    settlement.deductible_fen = basic.deductible_fen
    settlement.balances.extend(basic.balances)
    settlement.programme_caps = tuple((key, cap) for key, cap in basic.caps if key not in settlement.layers_fen)
    settlement.lines = basic.lines
    settle_second_layers(ctx, basic, settlement)
    _explain_retirement(ctx, settlement.explanations)
    _explain_age(ctx, settlement.explanations)
    return settlement


def _explain_age(ctx: ClaimContext, explanations: Explanations) -> None:
    """Where the birth date (not a certified category) made the member a minor or 80+, say so and name the reading."""
    on = ctx.service_on
    age = ctx.facts.age_on(on)
    for kind, certified in (("minor", STUDENT_OR_MINOR_CATEGORIES), ("age_80_plus", ("age_80_plus",))):
        held, readings = age_kind(ctx.facts, ctx.edition, kind, on)
        if held and not any(ctx.facts.has_category(c, on) for c in certified):
            explanations.add(
                "person_kind",
                msg("settle.age_kind", age=age, on=on, born=ctx.facts.birth_on, kind=kind),
                ctx.edition,
                *readings,
            )


def _explain_retirement(ctx: ClaimContext, explanations: Explanations) -> None:
    """Where a RetirementReached (not a ``retired`` category) decides retired / in service, say from when."""
    years, on = ctx.contribution_years, ctx.service_on
    if years is None or years.retired_on is None or on < years.retired_on or ctx.facts.has_category("retired", on):
        return
    start = years.retiree_benefits_from
    if ctx.retired(on):
        text = msg("settle.retired", retired_on=years.retired_on, start=start, on=on)
    else:
        text = msg(
            "settle.retired_shortfall",
            retired_on=years.retired_on,
            start=start if start else msg("settle.not_yet"),
            on=on,
        )
    explanations.add("retired", text, years.edition, *years.readings)


def reject(settlement: Settlement, reason: str | Message) -> Settlement:
    """Nothing from any fund, with the reason (a catalogue message; a plain ``str`` is kept untranslated)."""
    message = as_message(reason)
    settlement.status = "rejected"
    settlement.layers_fen = dict.fromkeys(settlement.layers_fen, 0)
    settlement.reason_messages.append(message)
    return settlement


def person_kind(ctx: ClaimContext, table: Table) -> str:
    """The table column of the member on the admission day: retired / in-service, student-or-minor / adult."""
    on = ctx.service_on
    if "retired" in table.columns:
        return "retired" if ctx.retired(on) else "in_service"
    if any(ctx.facts.has_category(c, on) for c in STUDENT_OR_MINOR_CATEGORIES):
        return "student_or_minor"
    if age_kind(ctx.facts, ctx.edition, "minor", on)[0]:
        return "student_or_minor"  # under the adult age by the birth date (reading age_kinds)
    return "adult"


def _table(reading: ParameterReading) -> Table:
    assert isinstance(reading.value, Table), f"{reading.name} is not a table"
    return reading.value


#: Bazhong-style remote tables by claim location (002 ch.2 二十七问, ch.3 十一问).
REMOTE_TABLE_FAMILIES = {
    "remote_long_term": "remote.long_term",
    "remote_temporary_referral": "remote.referral_or_emergency",
    "remote_emergency": "remote.referral_or_emergency",
    "remote_temporary_other": "remote.temporary_other",
}
#: Filing (备案) a location needs; without it the stay is "other temporary" remote care.
FILING_FOR_LOCATION = {"remote_long_term": "long_term", "remote_temporary_referral": "temporary_referral"}


def effective_location(ctx: ClaimContext) -> tuple[str, Message | None]:
    """The claim's location, downgraded to other-temporary when the filing it needs is missing."""
    location = ctx.claim.data.location.value
    on = ctx.service_on
    without_filing = _long_term_without_filing(ctx, location)
    if without_filing is not None:
        return "remote_long_term", without_filing[0]
    needed = FILING_FOR_LOCATION.get(location)
    if needed is None:
        return location, None
    for _filed_on, filing in ctx.facts.filings:
        if (
            filing.kind.value == needed
            and filing.valid_from <= on
            and (filing.valid_to is None or on <= filing.valid_to)
        ):
            return location, None
    return "remote_temporary_other", msg("settle.no_filing", filing=needed, on=on)


def _long_term_without_filing(ctx: ClaimContext, location: str) -> tuple[Message, ParameterReading] | None:
    """A note when the member's category is settled as long-term remote residence without a filing.

    001 异地医疗待遇 异地就医参保人员类别划分 1 and 异地就医备案办理 3: 全日制本专科生、研究生纳入异地长期居住人员
    类别 … 在异地住院就医时,无需办理备案. Such a member is never 临时外出人员 (the other class is "除上述情况外"),
    so every remote stay but an emergency (which has its own rule) is settled as long-term residence.
    """
    if location in ("local", "remote_emergency") or not has(ctx.edition, "remote.long_term_without_filing_categories"):
        return None
    reading = read(ctx.edition, "remote.long_term_without_filing_categories", ctx.claim.occurred_on)
    assert isinstance(reading.value, tuple)
    on = ctx.service_on
    matched = next((c for c in reading.value if ctx.facts.has_category(c, on)), None)
    if matched is None:
        return None
    return (
        msg("settle.long_term_without_filing", category=matched, on=on, section=reading.reference.section),
        reading,
    )


def _inpatient_tables(
    ctx: ClaimContext, location: str
) -> tuple[ParameterReading, ParameterReading, list[ParameterReading], Decimal, Decimal]:
    """Deductible table, ratio table, adjustment readings, deductible factor and ratio change for a location."""
    edition, on = ctx.edition, ctx.claim.occurred_on
    family = REMOTE_TABLE_FAMILIES.get(location)
    if family is not None and has(edition, f"{family}.deductible"):
        return (
            read(edition, f"{family}.deductible", on),
            read(edition, f"{family}.ratio", on),
            [],
            Decimal(1),
            Decimal(0),
        )
    deductibles, ratios = read(edition, "inpatient.deductible", on), read(edition, "inpatient.ratio", on)
    if location in ("local", "remote_long_term"):
        return deductibles, ratios, [], Decimal(1), Decimal(0)
    if location == "remote_emergency":
        factor = read(edition, "readings.emergency_remote_deductible_factor", on)
        change = read(edition, "remote.emergency_inpatient_ratio_reduction", on)
        assert isinstance(factor.value, Decimal) and isinstance(change.value, Decimal)
        return deductibles, ratios, [factor, change], factor.value, -change.value
    if not has(edition, "remote.temporary_deductible_factor"):
        raise NotSettleable(msg("reason.no_inpatient_rules", edition=edition.name, location=location))
    factor = read(edition, "remote.temporary_deductible_factor", on)
    change = read(edition, "remote.temporary_ratio_reduction", on)
    assert isinstance(factor.value, Decimal) and isinstance(change.value, Decimal)
    return deductibles, ratios, [factor, change], factor.value, -change.value


def _facility_row(ctx: ClaimContext, table: Table, location: str) -> tuple[str, list[ParameterReading], Message | None]:
    """The table row, the readings that chose it and a note: the facility level's own row, the big-city top
    level for a remote 三甲 (big_city_level3), or the row ``readings.facility_level_row`` maps the level to."""
    level = ctx.claim.data.facility_level.value
    flags = {f.value for f in ctx.claim.data.flags}
    if location != "local" and "big_city_level3" in flags and has(ctx.edition, "remote.big_city_top_hospital_level"):
        mapped = read(ctx.edition, "remote.big_city_top_hospital_level", ctx.claim.occurred_on)
        assert isinstance(mapped.value, str)
        if mapped.value in table.rows:
            return mapped.value, [mapped], None
        level = mapped.value
    row, reading = facility_row(
        ctx.edition, level=level, table=table, table_name="inpatient.deductible", on=ctx.claim.occurred_on
    )
    if reading is None:
        return row, [], None
    return row, [reading], mapped_note(level=level, row=row, table_name="inpatient.deductible", reading=reading)


def _non_designated_emergency(ctx: ClaimContext, explanations: Explanations) -> BasicPoolResult:
    """001 市内住院待遇 2: emergency admission to a non-designated hospital, one deductible and ratio."""
    edition, data, on = ctx.edition, ctx.claim.data, ctx.claim.occurred_on
    deductible_reading = read(edition, "emergency.non_designated_inpatient_deductible", on)
    ratio_reading = read(edition, "emergency.non_designated_inpatient_ratio", on)
    cap = read(edition, "basic_pool.annual_cap", on)
    assert isinstance(deductible_reading.value, int) and isinstance(ratio_reading.value, Decimal)
    assert isinstance(cap.value, int)
    deductible = min(data.policy_amount, deductible_reading.value)
    base = data.policy_amount - deductible
    raw = fen_times_ratio(base, ratio_reading.value)
    paid = min(raw, max(0, cap.value - ctx.used("basic_pool")))
    explanations.add(
        "layers.basic_pool",
        msg(
            "settle.non_designated_emergency",
            policy=format_yuan(data.policy_amount),
            deductible=format_yuan(deductible),
            ratio=ratio_reading.value,
            raw=format_yuan(raw),
            paid=format_yuan(paid),
        ),
        edition,
        deductible_reading,
        ratio_reading,
        cap,
    )
    return _basic_pool_result(
        policy_fen=data.policy_amount,
        deductible_fen=deductible,
        paid_fen=paid,
        raw_fen=raw,
        ratio=ratio_reading.value,
        cap_fen=cap.value,
    )


def _inpatient_basic_pool(ctx: ClaimContext, explanations: Explanations) -> BasicPoolResult:
    edition, data, on = ctx.edition, ctx.claim.data, ctx.claim.occurred_on
    if ClaimFlag.NON_DESIGNATED in data.flags and has(edition, "emergency.non_designated_inpatient_deductible"):
        return _non_designated_emergency(ctx, explanations)
    location, location_note = effective_location(ctx)
    without_filing = _long_term_without_filing(ctx, ctx.claim.data.location.value)
    location_readings = [without_filing[1]] if without_filing is not None else []
    deductibles, ratios, adjustments, deductible_factor, ratio_change = _inpatient_tables(ctx, location)
    table = _table(deductibles)
    level, level_readings, level_note = _facility_row(ctx, table, location)
    kind = person_kind(ctx, table)
    cell = table.cell(level, kind)
    assert isinstance(cell, int)
    deductible, deductible_text, deductible_readings = _deductible(ctx, fen_times_ratio(cell, deductible_factor))
    cap = read(edition, "basic_pool.annual_cap", on)
    assert isinstance(cap.value, int)
    base = max(0, data.policy_amount - deductible)
    ratio = _table(ratios).cell(level, kind)
    if isinstance(ratio, Bands):
        ratio = shifted(ratio, ratio_change) if ratio_change else ratio
        raw = ratio.amount_due(base_fen=base)
    else:
        assert isinstance(ratio, Decimal)
        ratio = min(Decimal(1), max(Decimal(0), ratio + ratio_change))
        raw = fen_times_ratio(base, ratio)
    remaining = max(0, cap.value - ctx.used("basic_pool"))
    paid = min(raw, remaining)
    cap_text = "" if paid == raw else msg("settle.inpatient_capped", remaining=format_yuan(remaining))
    where = "" if location == "local" else msg("settle.where", location=location)
    explanations.add(
        "layers.basic_pool",
        msg(
            "list.joined",
            parts=[
                msg(
                    "settle.inpatient",
                    level=level,
                    where=where,
                    kind=kind,
                    policy=format_yuan(data.policy_amount),
                    deductible=format_yuan(deductible),
                    ratio=msg("settle.bands") if isinstance(ratio, Bands) else ratio,
                    raw=format_yuan(raw),
                    capped=cap_text,
                ),
                *([deductible_text] if deductible_text else []),
                *([location_note] if location_note else []),
                *([level_note] if level_note else []),
            ],
        ),
        edition,
        deductibles,
        ratios,
        cap,
        *adjustments,
        *level_readings,
        *deductible_readings,
        *location_readings,
    )
    result = _basic_pool_result(
        policy_fen=data.policy_amount,
        deductible_fen=deductible,
        paid_fen=paid,
        raw_fen=raw,
        ratio=ratio if isinstance(ratio, Decimal) else None,
        cap_fen=cap.value,
    )
    row_ratio = _table(ratios).cell(level, kind)
    if location == "local" or not isinstance(row_ratio, Decimal):
        return result
    return replace(result, standard_ratio=row_ratio, standard_deductible_fen=_deductible(ctx, cell)[0])


def _basic_pool_result(
    *, policy_fen: int, deductible_fen: int, paid_fen: int, raw_fen: int, ratio: Decimal | None, cap_fen: int
) -> BasicPoolResult:
    """What an inpatient payment leaves to the later layers; when the cap ran out inside the claim, the base
    the paid amount stands for (paid ÷ ratio) stays in the basic stage and the rest goes on."""
    base = max(0, policy_fen - deductible_fen)
    covered_base = fen_divided_by_ratio(paid_fen, ratio) if paid_fen < raw_fen and ratio else base
    return BasicPoolResult(
        amount_fen=paid_fen,
        deductible_fen=deductible_fen,
        balances=(("basic_pool", paid_fen),),
        second_layer_base_fen=policy_fen - paid_fen,
        copay_excluding_deductible_fen=max(0, covered_base - paid_fen),
        capped_base_fen=base - covered_base,
        ratio=ratio,
        caps=(("basic_pool", cap_fen),),
    )


def _deductible(ctx: ClaimContext, table_fen: int) -> tuple[int, Message | None, tuple[ParameterReading, ...]]:
    """The deductible this admission pays, after the rule set's exemptions and reductions."""
    edition, data, on = ctx.edition, ctx.claim.data, ctx.claim.occurred_on
    flags = {flag.value for flag in data.flags}
    if has(edition, "inpatient.deductible_exempt_conditions"):
        exempt = read(edition, "inpatient.deductible_exempt_conditions", on)
        assert isinstance(exempt.value, tuple)
        matched = sorted(f for f in flags if any(item == f or item.endswith("_" + f) for item in exempt.value))
        if matched:
            return 0, msg("deductible.exempt_conditions", conditions=matched), (exempt,)
    if "childbirth" in flags and has(edition, "inpatient.childbirth_deductible_exempt"):
        childbirth = read(edition, "inpatient.childbirth_deductible_exempt", on)
        if childbirth.value is True:
            return 0, msg("deductible.childbirth"), (childbirth,)
    same_year = [(c, d) for c, d in ctx.paid_deductibles if c.data.discharged_on.year == ctx.year]
    remote_full = _remote_full_deductible(ctx)
    if remote_full is not None:
        ordinal = 1 + len(same_year)
        return (
            table_fen,
            msg("deductible.remote_full", ordinal=ordinal),
            (remote_full,),
        )
    if "cancer" in flags and has(edition, "inpatient.cancer_deductible_once_per_year"):
        once = read(edition, "inpatient.cancer_deductible_once_per_year", on)
        if once.value is True and any("cancer" in {f.value for f in c.data.flags} and d > 0 for c, d in same_year):
            return 0, msg("deductible.cancer_once"), (once,)
    if "transfer_within_episode" in flags and has(edition, "inpatient.transfer_deductible_rule") and same_year:
        rule = read(edition, "inpatient.transfer_deductible_rule", on)
        previous_claim, previous_fen = same_year[-1]
        owed = max(0, table_fen - previous_fen)
        return owed, msg("deductible.transfer", previous=previous_claim.data.claim_id), (rule,)
    if has(edition, "readings.repeat_admission_reduction"):
        reduction = read(edition, "readings.repeat_admission_reduction", on)
        ordinal = 1 + len(same_year)
        row = str(ordinal) if str(ordinal) in _table(reduction).rows else "3_or_later"
        share = _table(reduction).cell(row)
        assert isinstance(share, Decimal)
        owed = fen_times_ratio(table_fen, share)
        if ordinal > 1:
            return owed, msg("deductible.repeat", ordinal=ordinal, share=f"{share:.0%}"), (reduction,)
    return table_fen, None, ()


#: The reading of 异地住院就医,起付标准不享受减免待遇 the ledger applies (rules-digest §8).
REMOTE_FULL_DEDUCTIBLE = "full_row_deductible_counted_for_local"


def _remote_full_deductible(ctx: ClaimContext) -> ParameterReading | None:
    """The reading when this admission is remote and the rule set says remote stays pay the full deductible.

    000/001 异地就医待遇: 异地住院就医,起付标准不享受减免待遇;我市住院就医享受减免起付标准的,累加异地住院
    就医次数. A remote stay (long-term, temporary, emergency — filed or not) gets neither the repeat-admission
    reduction nor the once-a-year cancer exemption, yet it stays in ``paid_deductibles``, so it counts as an
    admission when a later local stay is reduced. The listed-diagnosis and childbirth exemptions are not
    reductions by admission count and are applied before this point.
    """
    if ctx.claim.data.location.value == "local" or not has(ctx.edition, "readings.remote_admission_deductible"):
        return None
    reading = read(ctx.edition, "readings.remote_admission_deductible", ctx.claim.occurred_on)
    if reading.value != REMOTE_FULL_DEDUCTIBLE:
        raise NotSettleable(
            msg("reason.reading_not_applied", name="readings.remote_admission_deductible", value=str(reading.value))
        )
    return reading
