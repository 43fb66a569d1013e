"""Valid v1 events of every type, for tests to build on and break."""

from __future__ import annotations

import copy
from typing import Any
from uuid import NAMESPACE_URL, uuid5

VALID_DATA: dict[str, tuple[str, dict[str, Any]]] = {
    "MemberRegistered": ("2024-12-01", {"region": "bazhong", "birth_date": "1980-05-06", "sex": "F"}),
    "CategoryCertified": (
        "2025-02-01",
        {"category": "minimum_living", "valid_from": "2025-02-01", "valid_to": "2025-12-31"},
    ),
    "CategoryRevoked": ("2025-07-01", {"category": "minimum_living", "valid_to": "2025-06-30"}),
    "ContributionPaid": (
        "2024-12-10",
        {
            "scheme": "resident",
            "region": "bazhong",
            "coverage_start": "2025-01-01",
            "coverage_end": "2025-12-31",
            "amount": "400.00",
            "kind": "regular",
        },
    ),
    "CoverageEnded": ("2025-09-30", {"scheme": "employee", "reason": "left_employment"}),
    "RemoteCareFiled": ("2025-03-01", {"kind": "long_term", "valid_from": "2025-03-01", "place": "海南省三亚市"}),
    "ConditionCertified": (
        "2025-04-01",
        {"programme": "chronic", "condition": "hypertension", "valid_from": "2025-04-01"},
    ),
    "ClaimSubmitted": (
        "2025-05-10",
        {
            "claim_id": "C-1",
            "setting": "inpatient",
            "admitted_on": "2025-05-01",
            "discharged_on": "2025-05-10",
            "facility_level": "community",
            "location": "local",
            "total_amount": "4500.00",
            "policy_amount": "4200.00",
            "pre_self_pay": "0.00",
            "out_of_scope": "300.00",
            "flags": [],
            # Settled on discharge (出院即报): the application day, so the claim is in time whenever a test runs.
            "applied_on": "2025-05-10",
        },
    ),
    "ClaimReversed": ("2025-05-20", {"claim_id": "C-1", "reason": "billing error"}),
    "ContributionBaseDeclared": (
        "2025-01-01",
        {"kind": "contribution_base", "monthly_base": "6000.00", "valid_from": "2025-01-01"},
    ),
    "PersonalAccountSpent": ("2025-05-12", {"purpose": "settlement_share", "amount": "120.00", "claim_id": "C-1"}),
    "RelativeBound": ("2025-02-01", {"relative_member_id": "M-0002", "relationship": "spouse"}),
    "RelativeUnbound": ("2025-09-01", {"relative_member_id": "M-0002"}),
    "FamilyAidTransferred": (
        "2025-03-01",
        {
            "relative_member_id": "M-0002",
            "amount": "200.00",
            "purpose": "resident_contribution",
            "channel": "account",
            "cross_province": False,
        },
    ),
    "PersonalAccountPaidOut": ("2025-12-01", {"reason": "death"}),
    "ContributionYearsDeemed": ("2025-01-02", {"basis": "military_service", "months": 36}),
    "RetirementReached": ("2025-06-15", {"region": "bazhong"}),
    "ShortfallSettled": (
        "2025-07-01",
        {"region": "bazhong", "months": 12, "reference_monthly_base": "3000.00", "amount": "2520.00"},
    ),
    "MaternityOccurred": (
        "2025-08-10",
        {
            "kind": "natural",
            "babies": 1,
            "in_plan": True,
            "insured_as": "employee",
            "employer_average_monthly_wage": "9000.00",
        },
    ),
    "PrimaryClinicChosen": ("2025-01-05", {"facility_id": "SY-TOWN-001", "valid_from": "2025-01-05"}),
    "EventRetracted": (
        "2025-06-02",
        {"retracted_event_id": "4f06a7c5-d70b-5244-9650-8b7f58a60487", "reason": "posted to the wrong member"},
    ),
    "MemberTransferred": (
        "2025-07-01",
        {
            "from_region": "shenyang",
            "to_region": "bazhong",
            "scheme": "employee",
            "transferred_on": "2025-07-01",
            "account_balance": "1234.56",
        },
    ),
}


def event_id_for(label: str) -> str:
    return str(uuid5(NAMESPACE_URL, f"urn:ledger-test:{label}"))


def make_event(
    event_type: str, *, member_id: str = "M-0001", label: str | None = None, **data_overrides: Any
) -> dict[str, Any]:
    """A valid raw event of ``event_type``; ``data_overrides`` replace data fields (None removes one)."""
    occurred_on, data = VALID_DATA[event_type]
    data = copy.deepcopy(data)
    for key, value in data_overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return {
        "event_id": event_id_for(label or f"{member_id}:{event_type}"),
        "member_id": member_id,
        "type": event_type,
        "occurred_on": occurred_on,
        "source": "test",
        "data": data,
    }
