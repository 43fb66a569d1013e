"""Where care may be taken: the chosen outpatient-pooling clinic and the facilities a programme allows.

- Outpatient pooling (001 门、急诊待遇 3 门诊统筹待遇): the member chooses one community health service
  centre or township health centre (社区卫生服务机构、乡镇卫生院) — a ``PrimaryClinicChosen`` event — and
  outpatient pooling pays only there: 在非选定的门诊统筹定点医疗机构门诊就医,不享受门诊统筹待遇. The
  village clinics (村卫生室) of a chosen township count as chosen too. University students keep their
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
from domain.messages import msg
from domain.settlement.draws import Payment, read
from domain.settlement.errors import NotSettleable
from domain.settlement.model import ClaimContext

#: Categories whose outpatient pooling is not tied to one chosen clinic (参保大学生 … 18家大学生定点医疗机构).
UNTIED_CATEGORIES = ("university_student",)


def _is_village(ctx: ClaimContext) -> bool:
    return "village_clinic" in {flag.value for flag in ctx.claim.data.flags}


def _at_chosen(choice: PrimaryClinicChosenData, facility_id: str, *, village: bool) -> bool:
    """Whether ``facility_id`` is the chosen clinic, or one of the village clinics of the chosen township."""
    if facility_id == choice.facility_id:
        return True
    return village and (not choice.village_clinic_ids or facility_id in choice.village_clinic_ids)


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
    if not _at_chosen(choice, data.facility_id, village=village):
        tied = msg("reason.or_village_clinics", clinics=list(choice.village_clinic_ids)) if village else ""
        raise NotSettleable(
            msg(
                "reason.not_the_chosen_clinic",
                facility=data.facility_id,
                chosen=choice.facility_id,
                tied=tied,
                since=choice.valid_from,
                section=section,
            )
        )
    if choice.village_clinic_ids:
        payment.notes.append(msg("place.village_of_chosen", facility=data.facility_id, township=choice.facility_id))
    else:
        payment.notes.append(
            msg("place.village_taken_of_chosen", facility=data.facility_id, township=choice.facility_id)
        )


def check_two_diseases_place(ctx: ClaimContext, payment: Payment) -> None:
    """Refuse two-disease drugs above level 2 unless bought at the member's chosen outpatient-pooling clinic."""
    if not has(ctx.edition, "two_diseases.facility_levels"):
        return
    levels = read(ctx, "two_diseases.facility_levels")
    assert isinstance(levels.value, tuple)
    payment.extra_readings.append(levels)
    data = ctx.claim.data
    choice = ctx.facts.clinic_chosen_on(ctx.service_on)
    if (
        choice is not None
        and data.facility_id is not None
        and _at_chosen(choice, data.facility_id, village=_is_village(ctx))
    ):
        payment.notes.append(msg("place.two_diseases_chosen", facility=choice.facility_id))
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
