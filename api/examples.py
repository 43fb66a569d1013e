"""OpenAPI request examples: contract-v1 events an integrator can send as they are."""

from __future__ import annotations

from typing import Any

#: A Shenyang resident's outpatient visit at the chosen township clinic, its general consultation fee
#: (一般诊疗费) named: 001 门诊统筹待遇 — (110 − 10 − 40) × 55 % = 33 plus 10 × 80 % = 8 on its own line.
OUTPATIENT_CLAIM: dict[str, Any] = {
    "event_id": "5f0e8a52-2f3c-5b8e-9a0b-6c1d2e3f4a5b",
    "member_id": "SY-000123",
    "type": "ClaimSubmitted",
    "occurred_on": "2025-02-10",
    "data": {
        "claim_id": "SY-OP-2025-0001",
        "setting": "outpatient_pooling",
        "admitted_on": "2025-02-10",
        "discharged_on": "2025-02-10",
        "facility_level": "level1",
        "facility_id": "SY-TOWN-001",
        "location": "local",
        "total_amount": "110.00",
        "policy_amount": "110.00",
        "pre_self_pay": "0.00",
        "out_of_scope": "0.00",
        "general_consultation_fee": "10.00",
        "flags": [],
    },
}

#: The member chooses the township clinic (and one of its village clinics) for outpatient pooling.
CLINIC_CHOSEN: dict[str, Any] = {
    "event_id": "0b7c6d5e-4f3a-5b2c-8d1e-9f0a1b2c3d4e",
    "member_id": "SY-000123",
    "type": "PrimaryClinicChosen",
    "occurred_on": "2025-01-02",
    "data": {"facility_id": "SY-TOWN-001", "valid_from": "2025-01-02", "village_clinic_ids": ["SY-VIL-011"]},
}

CLAIM_EXAMPLES: dict[str, Any] = {
    "outpatient_at_chosen_clinic": {
        "summary": "Outpatient visit at the chosen clinic with a general consultation fee",
        "value": OUTPATIENT_CLAIM,
    }
}

EVENT_BATCH_EXAMPLES: dict[str, Any] = {
    "clinic_choice_and_visit": {
        "summary": "A chosen outpatient-pooling clinic, then a visit there",
        "value": [CLINIC_CHOSEN, OUTPATIENT_CLAIM],
    }
}
