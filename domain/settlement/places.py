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
        said = "flags it as a village clinic" if flagged else "does not flag it as a village clinic"
        raise NotSettleable(
            f"the claim {said}, but the facility registry ({ctx.edition.facilities.source_file}) lists "
            f"{facility.facility_id} as a {facility.kind} facility; nothing paid"
        )


def _at_chosen(
    ctx: ClaimContext, choice: PrimaryClinicChosenData, facility_id: str
) -> tuple[bool, str, ParameterReading | None]:
    """Whether ``facility_id`` is the chosen clinic, or a village clinic of the chosen township, and how that was
    decided: the facility registry's township for a listed village clinic; else the choice's village_clinic_ids;
    else, for a village clinic neither names, the reading ``readings.unregistered_village_clinic``."""
    if facility_id == choice.facility_id:
        return True, f"at the chosen clinic {choice.facility_id} (from {choice.valid_from})", None
    if not _is_village(ctx):
        return False, f"{facility_id} is not the chosen clinic {choice.facility_id}", None
    registry = ctx.edition.facilities
    facility = registry.get(facility_id)
    if facility is not None:
        if facility.township_id == choice.facility_id:
            return (
                True,
                f"at {facility_id}, a village clinic of the chosen township {choice.facility_id} "
                f"(facility registry {registry.source_file})",
                None,
            )
        return (
            False,
            f"{facility_id} is a village clinic of the township {facility.township_id}, not of the chosen "
            f"{choice.facility_id} (facility registry {registry.source_file})",
            None,
        )
    unlisted = f"{facility_id} is not in the facility registry"
    if choice.village_clinic_ids:
        if facility_id in choice.village_clinic_ids:
            return True, f"{unlisted}: at a village clinic the choice of {choice.facility_id} lists", None
        return (
            False,
            f"{unlisted} and not among the village clinics of the chosen township {choice.facility_id} "
            f"({', '.join(choice.village_clinic_ids)})",
            None,
        )
    fallback = read(ctx, UNREGISTERED_VILLAGE)
    if fallback.value != OF_CHOSEN_TOWNSHIP:
        raise NotSettleable(f"{UNREGISTERED_VILLAGE} {fallback.value!r} is not one the ledger applies")
    return (
        True,
        f"{unlisted} and the choice lists no village clinics: taken to be a village clinic of the chosen township "
        f"{choice.facility_id} ({UNREGISTERED_VILLAGE}, {fallback.reference.section})",
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
        payment.notes.append(
            "a university student may also use the university-designated institutions: the place is not checked"
        )
        return
    _check_flag_against_registry(ctx)
    village = _is_village(ctx)
    level = data.facility_level.value
    choice = ctx.facts.clinic_chosen_on(on)
    if choice is not None and data.facility_id == choice.facility_id:
        payment.notes.append(f"at the chosen clinic {choice.facility_id} (from {choice.valid_from})")
        return
    if not village and level not in levels.value:
        raise NotSettleable(
            f"outpatient pooling is paid only at the chosen community or township clinic or its village clinics "
            f"(outpatient_pooling.chosen_clinic_levels: {', '.join(levels.value)}; "
            f"{section}: 非选定…不享受门诊统筹待遇); a {level} facility is not one; nothing paid"
        )
    if data.facility_id is None:
        where = f"the chosen clinic {choice.facility_id}" if choice is not None else "a chosen clinic"
        payment.notes.append(f"the claim names no facility_id: taken to be at {where} ({level})")
        return
    if choice is None:
        raise NotSettleable(
            f"no outpatient-pooling clinic chosen by {on}: {data.facility_id} is not a chosen clinic "
            f"({section}: 非选定的门诊统筹定点医疗机构门诊就医,不享受门诊统筹待遇); nothing paid"
        )
    at_chosen, how, fallback = _at_chosen(ctx, choice, data.facility_id)
    if not at_chosen:
        raise NotSettleable(
            f"{how}: not the chosen outpatient-pooling clinic or one of its village clinics "
            f"(chosen from {choice.valid_from}; {section}: 选择乡镇卫生院…其辖区内的村卫生室; "
            "非选定…不享受门诊统筹待遇); nothing paid"
        )
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
            payment.notes.append(f"at the member's outpatient-pooling clinic: {how}")
            if fallback is not None:
                payment.extra_readings.append(fallback)
            return
    level = data.facility_level.value
    if level not in levels.value:
        at = f" ({data.facility_id})" if data.facility_id is not None else ""
        raise NotSettleable(
            f"two-disease drugs are paid only at the member's outpatient-pooling clinic or a designated facility "
            f"of level 2 or below (two_diseases.facility_levels: {', '.join(levels.value)}; "
            f"{levels.reference.section}); a {level} facility{at} is neither; nothing paid"
        )
    payment.notes.append(f"at a {level} facility (level 2 or below)")
