"""Where care may be taken: the chosen outpatient-pooling clinic and the facilities a programme allows.

- Outpatient pooling (001 门、急诊待遇 3 门诊统筹待遇): the member chooses one community health service
  centre or township health centre (社区卫生服务机构、乡镇卫生院) — a ``PrimaryClinicChosen`` event — and
  outpatient pooling pays only there: 在非选定的门诊统筹定点医疗机构门诊就医,不享受门诊统筹待遇. The
  village clinics (村卫生室) in a chosen township's area count as chosen too (其辖区内的村卫生室): the
  township is the one the facility registry (``Edition.facilities``) gives a listed village clinic; for an
  unlisted one, the choice's ``village_clinic_ids``, else ``readings.unregistered_village_clinic``, and the
  explanation says the clinic is not in the registry. University students keep their
  chosen clinic and the 18 university-designated institutions, which the ledger does not list, so
  their place is not checked.
- Two-disease drugs (001 门、急诊待遇 4 两病用药待遇): at the member's outpatient-pooling clinic or a
  designated hospital of level 2 or below (二级及以下定点医疗机构).

Where the rule set has no such parameter (Shenyang employees, Bazhong), nothing is checked. A
claim without ``facility_id`` is checked by its facility level only, and the explanation says so.
"""

from __future__ import annotations

from domain.contract import PrimaryClinicChosenData
from domain.entitlements.periods import has
from domain.messages import Message, msg
from domain.policies import ParameterReading
from domain.settlement.draws import Payment, read
from domain.settlement.errors import NotSettleable
from domain.settlement.model import ClaimContext

#: Categories whose outpatient pooling is not tied to one chosen clinic (参保大学生 … 18家大学生定点医疗机构).
UNTIED_CATEGORIES = ("university_student",)
#: The reading for a village clinic neither the facility registry nor the clinic choice names.
UNREGISTERED_VILLAGE = "readings.unregistered_village_clinic"
#: Its one value the ledger applies: the clinic is taken to lie in the chosen township's area.
OF_CHOSEN_TOWNSHIP = "of_chosen_township"


def _is_village(ctx: ClaimContext) -> bool:
    """Whether the claim is at a village clinic: the registry's kind when it lists the facility, else the flag."""
    facility = ctx.edition.facilities.get(ctx.claim.data.facility_id)
    if facility is not None:
        return facility.kind == "village"
    return "village_clinic" in {flag.value for flag in ctx.claim.data.flags}


def _check_flag_against_registry(ctx: ClaimContext) -> None:
    """A claim whose village_clinic flag contradicts the facility registry is refused: the flag decides the
    village clinic's own cap and consultation fee, the registry where the clinic is."""
    facility = ctx.edition.facilities.get(ctx.claim.data.facility_id)
    if facility is None:
        return
    flagged = "village_clinic" in {flag.value for flag in ctx.claim.data.flags}
    if flagged != (facility.kind == "village"):
        said = msg("place.flags_village") if flagged else msg("place.does_not_flag_village")
        raise NotSettleable(
            msg(
                "reason.flag_against_registry",
                said=said,
                registry=ctx.edition.facilities.source_file,
                facility=facility.facility_id,
                kind=facility.kind,
            )
        )


def _at_chosen(
    ctx: ClaimContext, choice: PrimaryClinicChosenData, facility_id: str
) -> tuple[bool, Message, ParameterReading | None]:
    """Whether ``facility_id`` is the chosen clinic, or a village clinic of the chosen township, and how that was
    decided: the facility registry's township for a listed village clinic; else the choice's village_clinic_ids;
    else, for a village clinic neither names, the reading ``readings.unregistered_village_clinic``."""
    if facility_id == choice.facility_id:
        return True, msg("place.chosen_clinic", facility=choice.facility_id, since=choice.valid_from), None
    if not _is_village(ctx):
        return False, msg("place.not_the_chosen", facility=facility_id, chosen=choice.facility_id), None
    registry = ctx.edition.facilities
    facility = registry.get(facility_id)
    if facility is not None:
        if facility.township_id == choice.facility_id:
            return (
                True,
                msg(
                    "place.village_of_chosen_registry",
                    facility=facility_id,
                    township=choice.facility_id,
                    registry=registry.source_file,
                ),
                None,
            )
        return (
            False,
            msg(
                "place.village_of_other_township",
                facility=facility_id,
                township=facility.township_id,
                chosen=choice.facility_id,
                registry=registry.source_file,
            ),
            None,
        )
    unlisted = msg("place.unlisted", facility=facility_id)
    if choice.village_clinic_ids:
        if facility_id in choice.village_clinic_ids:
            return True, msg("place.unlisted_listed_by_choice", unlisted=unlisted, chosen=choice.facility_id), None
        return (
            False,
            msg(
                "place.unlisted_not_of_choice",
                unlisted=unlisted,
                chosen=choice.facility_id,
                clinics=list(choice.village_clinic_ids),
            ),
            None,
        )
    fallback = read(ctx, UNREGISTERED_VILLAGE)
    if fallback.value != OF_CHOSEN_TOWNSHIP:
        raise NotSettleable(msg("reason.reading_not_applied", name=UNREGISTERED_VILLAGE, value=fallback.value))
    return (
        True,
        msg(
            "place.unlisted_taken_of_chosen",
            unlisted=unlisted,
            chosen=choice.facility_id,
            reading=UNREGISTERED_VILLAGE,
            section=fallback.reference.section,
        ),
        fallback,
    )


def check_outpatient_place(ctx: ClaimContext, payment: Payment) -> None:
    """Refuse outpatient pooling away from the chosen clinic; note what was checked on the payment."""
    if not has(ctx.edition, "outpatient_pooling.chosen_clinic_levels"):
        return
    levels = read(ctx, "outpatient_pooling.chosen_clinic_levels")
    assert isinstance(levels.value, tuple)
    section = levels.reference.section
    on, data = ctx.service_on, ctx.claim.data
    payment.extra_readings.append(levels)
    if any(ctx.facts.has_category(category, on) for category in UNTIED_CATEGORIES):
        payment.notes.append(msg("place.student_unchecked"))
        return
    _check_flag_against_registry(ctx)
    village = _is_village(ctx)
    level = data.facility_level.value
    choice = ctx.facts.clinic_chosen_on(on)
    if choice is not None and data.facility_id == choice.facility_id:
        payment.notes.append(msg("place.chosen_clinic", facility=choice.facility_id, since=choice.valid_from))
        return
    if not village and level not in levels.value:
        raise NotSettleable(msg("reason.not_chosen_level", levels=list(levels.value), section=section, level=level))
    if data.facility_id is None:
        where = msg("place.the_chosen", facility=choice.facility_id) if choice is not None else msg("place.a_chosen")
        payment.notes.append(msg("place.no_facility_id", where=where, level=level))
        return
    if choice is None:
        raise NotSettleable(msg("reason.no_clinic_chosen", on=on, facility=data.facility_id, section=section))
    at_chosen, how, fallback = _at_chosen(ctx, choice, data.facility_id)
    if not at_chosen:
        raise NotSettleable(msg("reason.not_chosen_or_village", how=how, since=choice.valid_from, section=section))
    payment.notes.append(how)
    if fallback is not None:
        payment.extra_readings.append(fallback)


def check_two_diseases_place(ctx: ClaimContext, payment: Payment) -> None:
    """Refuse two-disease drugs above level 2 unless bought at the member's chosen outpatient-pooling clinic."""
    if not has(ctx.edition, "two_diseases.facility_levels"):
        return
    levels = read(ctx, "two_diseases.facility_levels")
    assert isinstance(levels.value, tuple)
    payment.extra_readings.append(levels)
    data = ctx.claim.data
    choice = ctx.facts.clinic_chosen_on(ctx.service_on)
    if choice is not None and data.facility_id is not None:
        at_chosen, how, fallback = _at_chosen(ctx, choice, data.facility_id)
        if at_chosen:
            payment.notes.append(msg("place.two_diseases_at_chosen", how=how))
            if fallback is not None:
                payment.extra_readings.append(fallback)
            return
    level = data.facility_level.value
    if level not in levels.value:
        at = msg("reason.facility_in_brackets", facility=data.facility_id) if data.facility_id is not None else ""
        raise NotSettleable(
            msg(
                "reason.two_diseases_place",
                levels=list(levels.value),
                section=levels.reference.section,
                level=level,
                at=at,
            )
        )
    payment.notes.append(msg("place.level2_or_below", level=level))
