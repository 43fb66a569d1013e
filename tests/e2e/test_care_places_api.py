"""Where care may be taken and the general consultation fee, end to end through the documented examples."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.examples import (
    CLAIM_EXAMPLES,
    CLINIC_CHOSEN,
    EVENT_BATCH_EXAMPLES,
    FILED_PLACE_CLAIM,
    FILED_PLACE_CLINIC_CHOSEN,
    LONG_TERM_FILED,
    OUTPATIENT_CLAIM,
)
from tests.support.events import make_event


def test_the_openapi_examples_are_valid_and_settle_as_the_seed_says(client: TestClient) -> None:
    """The documented examples: a clinic choice, then a visit there with its general consultation fee."""
    schema = client.get("/openapi.json").json()
    claims_body = schema["paths"]["/v1/claims"]["post"]["requestBody"]["content"]["application/json"]
    events_body = schema["paths"]["/v1/events"]["post"]["requestBody"]["content"]["application/json"]
    assert claims_body["examples"] == CLAIM_EXAMPLES and events_body["examples"] == EVENT_BATCH_EXAMPLES
    paid = make_event(
        "ContributionPaid", member_id="SY-000123", label="sy-paid", region="shenyang", amount="460.00"
    ) | {"occurred_on": "2024-11-01"}
    assert client.post("/v1/events", json=[paid, CLINIC_CHOSEN]).status_code == 200
    body = client.post("/v1/claims", json=OUTPATIENT_CLAIM).json()
    # 001 门诊统筹待遇: (110 − 10 − 40) × 55 % = 33; fee 10 × 80 % = 8 on its own line; basic pool 41.
    assert body["status"] == "settled", body["reasons"]
    assert body["layers"]["basic_pool"] == "41.00"
    assert body["lines"] == {"general_consultation_fee": {"billed": "10.00", "fund": "8.00", "member": "2.00"}}
    elsewhere = OUTPATIENT_CLAIM | {
        "event_id": "7a1b2c3d-4e5f-5a6b-8c7d-9e0f1a2b3c4d",
        "data": OUTPATIENT_CLAIM["data"] | {"claim_id": "SY-OP-2025-0002", "facility_id": "SY-HOSP-9"},
    }
    refused = client.post("/v1/claims", json=elsewhere).json()
    assert refused["status"] == "rejected" and "not the chosen outpatient-pooling clinic" in refused["reasons"][0]


def test_a_long_term_filed_resident_is_paid_only_at_the_clinic_chosen_at_the_filed_place(client: TestClient) -> None:
    """001 异地就医待遇 2: the documented filing, choice at 三亚 and visit there; another clinic there is refused."""
    paid = make_event(
        "ContributionPaid", member_id="SY-000456", label="sy-filed-paid", region="shenyang", amount="460.00"
    ) | {"occurred_on": "2024-11-01"}
    assert client.post("/v1/events", json=[paid, LONG_TERM_FILED, FILED_PLACE_CLINIC_CHOSEN]).status_code == 200
    body = client.post("/v1/claims", json=FILED_PLACE_CLAIM).json()
    # The city's quarterly rules: (200 − 40) × 55 % = 88.
    assert body["status"] == "settled", body["reasons"]
    assert body["layers"]["basic_pool"] == "88.00"
    assert any("the clinic chosen at the filed place 三亚" in item["text"] for item in body["explanations"])
    elsewhere = FILED_PLACE_CLAIM | {
        "event_id": "4f5a6b7c-8d9e-5f0a-9b1c-2d3e4f5a6b7c",
        "data": FILED_PLACE_CLAIM["data"] | {"claim_id": "SY-OP-2025-0102", "facility_id": "SANYA-HOSP-2"},
    }
    refused = client.post("/v1/claims", json=elsewhere).json()
    assert refused["status"] == "rejected"
    assert "chosen at the long-term filed place 三亚" in refused["reasons"][0]
