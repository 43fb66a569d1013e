"""Outpatient care away from home (异地门诊): which remote outpatient claims the basic pool pays, and how.

000 异地就医待遇 2, 3, 5 (Shenyang employees) and 001 异地就医待遇 2, 5 (Shenyang residents):

- Outpatient pooling: long-term filed employees at the filed place, at facilities of the levels in
  ``remote.long_term_outpatient_levels`` (一级及以上); long-term filed residents at one level-2-or-below
  clinic there (二级及以下, the same parameter), "执行我市相关政策": the one they chose at the filed place
  (a ``PrimaryClinicChosen`` whose ``filed_place`` is the filing's ``place``; rule sets with
  ``remote.long_term_outpatient_chosen_clinic`` true), refused elsewhere with the reason; university
  students at level-1-or-above designated facilities anywhere
  (``remote.university_student_outpatient_levels``), keeping the local benefit. Temporary travellers
  have none (000 3 "临时外出就医人员不享受异地职工门诊统筹待遇"; the resident
  handbook names no remote outpatient benefit for them either). The local tables, deductibles and caps
  apply: the benefit is the city's own.
- Emergency rescue outpatient care (门(急)诊抢救, 5): long-term filed members at the filed place at the
  local emergency ratio; temporary travellers, and long-term filed members away from the filed place,
  at that ratio less ``remote.emergency_outpatient_ratio_reduction`` (10 points).

A long-term location without a valid long-term filing on the service day is temporary care.
Rule sets without these parameters (Bazhong) refuse remote outpatient claims, as before.
"""

from __future__ import annotations

from decimal import Decimal

from domain.contract import RemoteCareFiledData
from domain.entitlements.periods import has
from domain.messages import Message, msg
from domain.policies import ParameterReading
from domain.settlement.draws import read, require_local
from domain.settlement.errors import NotSettleable
from domain.settlement.model import ClaimContext

LONG_TERM = "remote_long_term"
#: The filing (备案) a location needs (as for inpatient care in ``domain.settlement.settle``).
FILING_FOR_LOCATION = {LONG_TERM: "long_term", "remote_temporary_referral": "temporary_referral"}
LONG_TERM_LEVELS = "remote.long_term_outpatient_levels"
STUDENT_LEVELS = "remote.university_student_outpatient_levels"
EMERGENCY_REDUCTION = "remote.emergency_outpatient_ratio_reduction"
#: Whether a long-term filed member has outpatient pooling only at one clinic chosen at the filed place.
CHOSEN_CLINIC = "remote.long_term_outpatient_chosen_clinic"


def _filing(ctx: ClaimContext, location: str) -> RemoteCareFiledData | None:
    """The filing a long-term (or referral) location needs, valid on the service day (the latest such)."""
    needed = FILING_FOR_LOCATION.get(location)
    on = ctx.service_on
    valid = [
        filing
        for _, filing in ctx.facts.filings
        if filing.kind.value == needed
        and filing.valid_from <= on
        and (filing.valid_to is None or on <= filing.valid_to)
    ]
    return max(valid, key=lambda filing: filing.valid_from) if needed is not None and valid else None


def _filed(ctx: ClaimContext, location: str) -> bool:
    """Whether the filing a long-term (or referral) location needs is valid on the service day."""
    return _filing(ctx, location) is not None


def _at_filed_place_clinic(
    ctx: ClaimContext, filing: RemoteCareFiledData
) -> tuple[Message | None, ParameterReading | None]:
    """Where the rule set binds a long-term filed member to one chosen clinic at the filed place, refuse care
    elsewhere; the note says which choice was checked. 001 异地就医待遇 2: 异地长期居住人员在备案地就医,选择一家
    备案地二级及以下定点医疗机构享受门诊统筹联网直接结算待遇."""
    if not has(ctx.edition, CHOSEN_CLINIC):
        return None, None
    bound = read(ctx, CHOSEN_CLINIC)
    if bound.value is not True:
        return None, bound
    section, on, facility_id = bound.reference.section, ctx.service_on, ctx.claim.data.facility_id
    choice = ctx.facts.clinic_chosen_on(on, filed_place=filing.place)
    if choice is None:
        raise NotSettleable(
            msg("reason.no_filed_place_clinic", place=filing.place, on=on, reading=CHOSEN_CLINIC, section=section)
        )
    if facility_id is None:
        return (
            msg(
                "remote.filed_place_no_facility_id",
                facility=choice.facility_id,
                place=filing.place,
                reading=CHOSEN_CLINIC,
            ),
            bound,
        )
    if facility_id != choice.facility_id:
        raise NotSettleable(
            msg(
                "reason.not_filed_place_clinic",
                facility=facility_id,
                chosen=choice.facility_id,
                place=filing.place,
                since=choice.valid_from,
                reading=CHOSEN_CLINIC,
                section=section,
            )
        )
    return msg("remote.at_filed_place_clinic", facility=facility_id, place=filing.place, since=choice.valid_from), bound


def _level_allowed(ctx: ClaimContext, name: str, who: Message) -> ParameterReading:
    levels = read(ctx, name)
    assert isinstance(levels.value, tuple)
    level = ctx.claim.data.facility_level.value
    if level not in levels.value:
        raise NotSettleable(
            msg(
                "reason.remote_outpatient_level",
                who=who,
                levels=list(levels.value),
                name=name,
                section=levels.reference.section,
                level=level,
            )
        )
    return levels


def remote_outpatient_pooling(ctx: ClaimContext) -> tuple[Message | None, tuple[ParameterReading, ...]]:
    """The note and readings for a remote outpatient-pooling claim the rules pay; refuses the others."""
    location = ctx.claim.data.location.value
    if location == "local":
        return None, ()
    if location.startswith("remote_temporary") and has(ctx.edition, "remote.temporary_outpatient_pooling"):
        allowed = read(ctx, "remote.temporary_outpatient_pooling")
        if allowed.value is False:
            raise NotSettleable(
                msg("reason.temporary_no_outpatient", location=location, section=allowed.reference.section)
            )
    if has(ctx.edition, STUDENT_LEVELS) and ctx.facts.has_category("university_student", ctx.service_on):
        levels = _level_allowed(ctx, STUDENT_LEVELS, msg("reason.who_student"))
        return (
            msg("remote.student_outpatient", location=location),
            (levels,),
        )
    if location == LONG_TERM and has(ctx.edition, LONG_TERM_LEVELS):
        filing = _filing(ctx, location)
        if filing is None:
            raise NotSettleable(msg("reason.no_long_term_filing_outpatient", on=ctx.service_on))
        levels = _level_allowed(ctx, LONG_TERM_LEVELS, msg("reason.who_long_term"))
        clinic_note, bound = _at_filed_place_clinic(ctx, filing)
        note = msg("remote.long_term_outpatient_at", place=filing.place, location=location)
        return (
            msg("remote.with_clinic_note", note=note, clinic=clinic_note) if clinic_note is not None else note,
            (levels,) if bound is None else (levels, bound),
        )
    if not has(ctx.edition, LONG_TERM_LEVELS) and not has(ctx.edition, STUDENT_LEVELS):
        require_local(ctx)
    raise NotSettleable(msg("reason.remote_outpatient_only_filed", location=location, edition=ctx.edition.name))


def remote_emergency_ratio_change(ctx: ClaimContext) -> tuple[Decimal, Message | None, tuple[ParameterReading, ...]]:
    """Emergency outpatient care away from home: the local ratio at the filed place, else less the reduction."""
    location = ctx.claim.data.location.value
    if location == "local":
        return Decimal(0), None, ()
    if not has(ctx.edition, EMERGENCY_REDUCTION):
        raise NotSettleable(msg("reason.no_remote_emergency_rule", location=location, edition=ctx.edition.name))
    if location == LONG_TERM and _filed(ctx, location):
        return Decimal(0), msg("remote.emergency_long_term"), ()
    reduction = read(ctx, EMERGENCY_REDUCTION)
    assert isinstance(reduction.value, Decimal)
    where = msg("remote.temporary_where", location=location)
    if location == LONG_TERM:
        where = msg("remote.long_term_unfiled_where")
    return -reduction.value, msg("remote.emergency_reduced", where=where, reduction=reduction.value), (reduction,)
