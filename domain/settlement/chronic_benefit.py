"""Who has the Shenyang employee chronic-disease benefit (门诊慢性病待遇) on a service day.

000 门、急诊待遇 2 门诊慢特病 3: "2024年不再受理门诊慢性病申请，不再开展门诊慢性病认定，门诊医疗费按普通
门诊统筹政策报销". Only members "已经认定并享受慢性病待遇" (注2 of the outpatient-pooling table) keep the
chronic ratio — and the lower outpatient-pooling cap that goes with it. A certification dated on or
after ``chronic.certifications_accepted_before`` (or on a day ``chronic.new_certifications_accepted``
is false) gives neither: the member's outpatient care is ordinary outpatient pooling. Special
diseases (特殊病) are certified as before.
"""

from __future__ import annotations

from datetime import date

from domain.contract import ConditionCertifiedData
from domain.entitlements.periods import has
from domain.policies import DateOutOfRangeError, ParameterReading
from domain.settlement.draws import certifications_on, read
from domain.settlement.model import ClaimContext

CUTOFF = "chronic.certifications_accepted_before"
ACCEPTED = "chronic.new_certifications_accepted"


def accepted_when_made(ctx: ClaimContext, certification: ConditionCertifiedData) -> bool:
    """Whether the certification was made while chronic certifications were still accepted."""
    if has(ctx.edition, CUTOFF):
        cutoff = read(ctx, CUTOFF).value
        assert isinstance(cutoff, date)
        return certification.valid_from < cutoff
    if not has(ctx.edition, ACCEPTED):
        return True
    try:
        reading: ParameterReading = ctx.edition.reading(ACCEPTED, certification.valid_from)
    except DateOutOfRangeError:
        return True
    return reading.value is True


def chronic_benefit_certifications(ctx: ClaimContext) -> list[ConditionCertifiedData]:
    """The chronic certifications valid on the service day that carry the chronic benefit."""
    return [data for data in certifications_on(ctx, "chronic") if accepted_when_made(ctx, data)]


def cutoff_readings(ctx: ClaimContext) -> tuple[ParameterReading, ...]:
    """The readings that say from when chronic certifications stopped, for explanations."""
    return tuple(read(ctx, name) for name in (ACCEPTED, CUTOFF) if has(ctx.edition, name))
