"""Public response schemas of the HTTP API (requests are the domain's contract models)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class EventOutcome(BaseModel):
    event_id: str
    status: Literal["stored", "duplicate"]


class BatchStored(BaseModel):
    stored: int = Field(description="Events stored by this request.")
    duplicate: int = Field(description="Events whose event_id was already stored with the same content.")
    results: list[EventOutcome] = Field(description="One entry per event, in the request's order.")


class RetractionMark(BaseModel):
    """Who retracted an event (the correction's ``source``), when (its recorded time) and why."""

    retracted_by: str = Field(description="event_id of the EventRetracted.")
    retracted_at: datetime
    retracted_by_source: str | None
    reason: str


class HistoryEvent(BaseModel):
    event_id: str
    member_id: str
    type: str
    occurred_on: date
    recorded_at: datetime
    source: str | None
    data: dict[str, Any]
    retracted: RetractionMark | None = Field(
        default=None, description="Set when a later EventRetracted took this event back: the fold ignores it since."
    )


class MemberHistory(BaseModel):
    member_id: str
    total: int = Field(description="Events matching the filters (before paging).")
    events: list[HistoryEvent]


class Health(BaseModel):
    status: Literal["ok", "degraded", "unavailable"]
    event_store: str
    #: "ok", "unavailable: <error>" or "not configured" (the embedded default runs workers in-process).
    redis: str = "not configured"
    max_notification_id: int | None = None
    #: Members the live projection isolated because their fold fails (see ``ledger project --failures``).
    isolated_members: int = 0


# ------------------------------------------------------------------------------------------------
# Documented shapes of the ledger's documents. These describe (in the OpenAPI document, with an
# example each) what the routes answer; the routes return the domain's documents unchanged, so the
# models allow extra keys and never filter a field the domain adds (`extra="allow"`).

_OPEN = ConfigDict(extra="allow")


class EditionRef(BaseModel):
    model_config = _OPEN
    name: str = Field(description="Rule-set name (domain/policies/rulesets/<name>.yaml).")
    hash: str = Field(description="Content hash of the edition (sha-256 of its canonical form).")


class ParameterUsed(BaseModel):
    model_config = _OPEN
    name: str = Field(description="Rule parameter, e.g. `inpatient.ratio`.")
    value: Any = Field(description="Its value on the date read (money as yuan strings, ratios as decimals).")


class ExplanationItem(BaseModel):
    model_config = _OPEN
    field: str = Field(description="The document field explained, e.g. `caps.basic_pool`.")
    text: str
    edition: str
    parameters: list[dict[str, Any]] = Field(description="Each parameter used: name, value, unit, reference.")
    default_readings: list[str] | None = Field(default=None, description="Default readings of ambiguous passages.")


class Balance(BaseModel):
    model_config = _OPEN
    cap: str | None = Field(description="Yearly cap in yuan (two decimals); null when the layer has none.")
    used: str
    remaining: str | None


class StatusDocument(BaseModel):
    """A member's entitlements on a date (status document v1), every figure explained."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "example": {
                "status_version": 1,
                "member_id": "M-0001",
                "as_of": "2025-06-01",
                "known_at": "2026-01-01T00:00:00Z",
                "edition": {"name": "bazhong-resident", "hash": "3f1c…"},
                "region": "bazhong",
                "scheme": "resident",
                "covered": True,
                "benefits_active": True,
                "benefits_start": "2025-01-01",
                "suspended": False,
                "waiting": None,
                "continuity": {"consecutive_years": 1, "gap_years": 0},
                "major_illness": None,
                "caps": {"basic_pool": {"cap": "110000.00", "used": "3690.00", "remaining": "106310.00"}},
                "personal_account": None,
                "contribution_years": None,
                "maternity": None,
                "event_count": 3,
                "explanations": [
                    {
                        "field": "caps.basic_pool",
                        "text": "basic-pool cap for 2025, less fund payments of settled claims",
                        "edition": "bazhong-resident",
                        "parameters": [{"name": "basic_pool.annual_cap", "value": "110000.00"}],
                    }
                ],
            }
        },
    )
    status_version: int
    member_id: str
    as_of: date
    known_at: datetime
    edition: EditionRef | None
    region: str | None
    scheme: Literal["employee", "resident"] | None
    covered: bool = Field(description="A paid coverage period includes `as_of`.")
    benefits_active: bool = Field(description="Covered and past any waiting period, not suspended.")
    benefits_start: date | None
    suspended: bool
    waiting: dict[str, Any] | None = Field(description="The waiting period (待遇等待期) when `as_of` falls in one.")
    continuity: dict[str, int | str] = Field(
        description="Consecutive covered and gap years, and `counts`: what they count (`incentive_years`)."
    )
    major_illness: dict[str, Any] | None = Field(description="Residents' major-illness cap (大病保险).")
    caps: dict[str, Balance] = Field(description="Yearly caps by fund layer or programme key (`chronic:M00100`).")
    personal_account: dict[str, Any] | None = Field(description="Employees' personal account (个人账户).")
    contribution_years: dict[str, Any] | None
    maternity: dict[str, Any] | None
    event_count: int
    explanations: list[ExplanationItem]


class SettlementDocument(BaseModel):
    """One claim's settlement: per fund layer what the funds pay, what the member pays, balances after."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "example": {
                "claim_id": "C-1",
                "member_id": "M-0001",
                "edition": {"name": "bazhong-resident", "hash": "3f1c…"},
                "status": "settled",
                "layers": {"basic_pool": "3690.00"},
                "deductible": "100.00",
                "fund_total": "3690.00",
                "member_pays": "810.00",
                "total_amount": "4500.00",
                "balances_after": {"basic_pool": {"cap": "110000.00", "used": "3690.00", "remaining": "106310.00"}},
                "reasons": [],
                "explanations": [
                    {
                        "field": "layers.basic_pool",
                        "text": "inpatient at a level-2 hospital: (4500.00 - 100.00 deductible) × 85%",
                        "edition": "bazhong-resident",
                        "parameters": [{"name": "inpatient.ratio", "value": "0.85"}],
                    }
                ],
            }
        },
    )
    claim_id: str
    member_id: str
    edition: EditionRef | None
    status: Literal["settled", "rejected", "reversed"] | str
    layers: dict[str, str] = Field(description="Fund payment per layer, yuan with two decimals.")
    deductible: str
    fund_total: str
    member_pays: str = Field(description="total_amount − fund_total (个人负担).")
    total_amount: str
    balances_after: dict[str, Balance]
    reasons: list[str] = Field(description="Why the claim was rejected or paid less (empty when paid in full).")
    explanations: list[ExplanationItem]


#: A FHIR resource or Bundle in its JSON form (validated against FHIR R4 in the tests).
FHIR_RESOURCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A FHIR R4 resource (application/fhir+json); `resourceType` names it.",
    "required": ["resourceType"],
    "properties": {"resourceType": {"type": "string"}, "id": {"type": "string"}},
    "additionalProperties": True,
}
