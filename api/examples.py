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

#: A long-term filed resident (异地长期居住) files at 三亚 and chooses one clinic there for outpatient pooling
#: (001 异地就医待遇 2: 选择一家备案地二级及以下定点医疗机构), then a visit there: (200 − 40) × 55 % = 88.
LONG_TERM_FILED: dict[str, Any] = {
    "event_id": "1c2d3e4f-5a6b-5c7d-8e9f-0a1b2c3d4e5f",
    "member_id": "SY-000456",
    "type": "RemoteCareFiled",
    "occurred_on": "2025-01-02",
    "data": {"kind": "long_term", "valid_from": "2025-01-02", "place": "三亚"},
}
FILED_PLACE_CLINIC_CHOSEN: dict[str, Any] = {
    "event_id": "2d3e4f5a-6b7c-5d8e-9f0a-1b2c3d4e5f6a",
    "member_id": "SY-000456",
    "type": "PrimaryClinicChosen",
    "occurred_on": "2025-01-03",
    "data": {"facility_id": "SANYA-COMM-1", "valid_from": "2025-01-03", "filed_place": "三亚"},
}
FILED_PLACE_CLAIM: dict[str, Any] = {
    "event_id": "3e4f5a6b-7c8d-5e9f-8a1b-2c3d4e5f6a7b",
    "member_id": "SY-000456",
    "type": "ClaimSubmitted",
    "occurred_on": "2025-02-10",
    "data": {
        "claim_id": "SY-OP-2025-0101",
        "setting": "outpatient_pooling",
        "admitted_on": "2025-02-10",
        "discharged_on": "2025-02-10",
        "facility_level": "community",
        "facility_id": "SANYA-COMM-1",
        "location": "remote_long_term",
        "total_amount": "200.00",
        "policy_amount": "200.00",
        "pre_self_pay": "0.00",
        "out_of_scope": "0.00",
        "flags": [],
    },
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
    },
    "clinic_chosen_at_the_filed_place": {
        "summary": "A long-term filing, the one clinic chosen at the filed place, then a visit there",
        "value": [LONG_TERM_FILED, FILED_PLACE_CLINIC_CHOSEN, FILED_PLACE_CLAIM],
    },
}
