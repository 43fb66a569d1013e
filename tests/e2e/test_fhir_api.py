"""FHIR R4 over HTTP: Coverage, eligibility and ExplanationOfBenefit, validated by fhir.resources."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.coverage import Coverage
from fhir.resources.R4B.coverageeligibilityresponse import CoverageEligibilityResponse
from fhir.resources.R4B.explanationofbenefit import ExplanationOfBenefit

from synthetic import generate_population
from tests.golden import assert_golden
from tests.support.events import make_event

KNOWN_AT = "2030-01-01T00:00:00Z"
FHIR_JSON = "application/fhir+json"


def contribution(member: str, year: int, paid_on: str, **data: Any) -> dict[str, Any]:
    event = make_event(
        "ContributionPaid",
        member_id=member,
        label=f"{member}:pay{year}",
        coverage_start=f"{year}-01-01",
        coverage_end=f"{year}-12-31",
        **data,
    )
    return event | {"occurred_on": paid_on}


def bazhong_resident(client: TestClient, member: str = "M-0001") -> None:
    """Registered in 2024, paid 2025 and 2026 in the central window, one inpatient claim in 2025 (002 ch.1 四十三)."""
    events = [
        make_event("MemberRegistered", member_id=member),
        contribution(member, 2025, "2024-11-01"),
        contribution(member, 2026, "2025-11-01"),
        make_event("ClaimSubmitted", member_id=member),
    ]
    assert client.post("/v1/events", json=events).status_code == 200


def fhir_get(client: TestClient, path: str, **params: str) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == FHIR_JSON
    return response.json()


def test_coverage_lists_each_spell_as_a_valid_coverage_resource(client: TestClient) -> None:
    bazhong_resident(client)
    body = fhir_get(client, "/fhir/Coverage", beneficiary="Patient/M-0001", as_of="2026-06-01", known_at=KNOWN_AT)
    bundle = Bundle.model_validate(body)
    # 2025 and 2026 both paid in the central window: one unbroken spell, one Coverage.
    assert bundle.type == "searchset" and bundle.total == 1
    spells = [Coverage.model_validate(entry.resource.model_dump()) for entry in bundle.entry]
    assert [(c.period.start.isoformat(), c.period.end.isoformat()) for c in spells] == [("2025-01-01", "2026-12-31")]
    assert {coding.code for coding in spells[0].type.coding} == {"resident", "390"}
    assert spells[0].payor[0].identifier.value == "511900"
    assert spells[0].class_fhir[0].value == "bazhong-resident"
    assert_golden("fhir_coverage_bazhong_resident.json", body)


def test_eligibility_carries_cap_used_and_remaining_per_layer(client: TestClient) -> None:
    bazhong_resident(client)
    body = fhir_get(client, "/fhir/CoverageEligibilityResponse", patient="M-0001", date="2025-06-01", known_at=KNOWN_AT)
    response = CoverageEligibilityResponse.model_validate(body["entry"][0]["resource"])
    insurance = response.insurance[0]
    assert insurance.inforce is True
    items = {item.category.coding[0].code: item for item in insurance.item}
    basic = {b.type.coding[0].code: b for b in items["basic_pool"].benefit}
    assert basic["benefit"].allowedMoney.value == 110000 and basic["benefit"].usedMoney.value == 3690
    assert basic["remaining"].allowedMoney.value == 106310
    assert items["major_illness"].category.coding[1].code == "390200"
    raw = client.get(
        "/fhir/CoverageEligibilityResponse", params={"patient": "M-0001", "date": "2025-06-01", "known_at": KNOWN_AT}
    ).text
    assert '"value":3690.00,"currency":"CNY"' in raw, "money keeps its two decimals"
    assert_golden("fhir_eligibility_bazhong_resident.json", body)


def test_eligibility_in_a_waiting_period_says_when_it_ends(client: TestClient) -> None:
    late = contribution("M-0002", 2025, "2025-04-01")  # paid after the central window: 3 months' wait
    assert client.post("/v1/events", json=[make_event("MemberRegistered", member_id="M-0002"), late]).status_code == 200
    body = fhir_get(client, "/fhir/CoverageEligibilityResponse", patient="M-0002", date="2025-05-01", known_at=KNOWN_AT)
    response = CoverageEligibilityResponse.model_validate(body["entry"][0]["resource"])
    insurance = response.insurance[0]
    assert insurance.inforce is False
    waiting = next(e for e in insurance.extension if e.url.endswith("waiting-period"))
    parts = {part.url: part for part in waiting.extension}
    assert parts["totalMonths"].valueUnsignedInt == 3
    assert parts["benefitsFrom"].valueDate.isoformat() == "2025-07-01", "the wait is over on 07-01"
    assert "waiting period" in response.disposition and "2025-07-01" in response.disposition


def test_evaluate_answers_a_coverage_eligibility_request(client: TestClient) -> None:
    bazhong_resident(client)
    request = {
        "resourceType": "CoverageEligibilityRequest",
        "identifier": [{"system": "urn:example:his", "value": "REQ-1"}],
        "status": "active",
        "purpose": ["benefits"],
        "patient": {"identifier": {"system": "urn:member-benefits-ledger:member-id", "value": "M-0001"}},
        "servicedDate": "2025-06-01",
        "created": "2025-06-01T08:00:00+08:00",
        "insurer": {"display": "巴中市医疗保障局"},
    }
    answer = client.post(
        "/fhir/CoverageEligibilityRequest/$evaluate",
        params={"known_at": KNOWN_AT},
        content=json.dumps(request),
        headers={"content-type": FHIR_JSON},
    )
    assert answer.status_code == 200, answer.text
    response = CoverageEligibilityResponse.model_validate_json(answer.text)
    assert response.request.identifier.value == "REQ-1"
    searched = fhir_get(
        client, "/fhir/CoverageEligibilityResponse", patient="M-0001", date="2025-06-01", known_at=KNOWN_AT
    )["entry"][0]["resource"]
    assert answer.json()["insurance"] == searched["insurance"], "the same eligibility either way"
    not_a_request = client.post("/fhir/CoverageEligibilityRequest/$evaluate", json={"resourceType": "Patient"})
    assert not_a_request.status_code == 422


def test_explanation_of_benefit_adjudicates_each_layer_with_balances_after(client: TestClient) -> None:
    bazhong_resident(client)
    body = fhir_get(client, "/fhir/ExplanationOfBenefit/C-1", patient="M-0001", as_of="2026-06-01", known_at=KNOWN_AT)
    eob = ExplanationOfBenefit.model_validate(body)
    adjudication = {a.category.coding[0].code: a.amount.value for a in eob.item[0].adjudication}
    assert adjudication["basic_pool"] == 3690 and adjudication["member_share"] == 810
    assert adjudication["deductible"] == 100 and adjudication["submitted"] == 4500
    balance = next(b for b in eob.benefitBalance if b.category.coding[1].code == "basic_pool")
    assert balance.financial[0].allowedMoney.value == 110000 and balance.financial[0].usedMoney.value == 3690
    assert any("inpatient.ratio" in note.text for note in eob.processNote), "notes cite the parameters"
    assert eob.insurance[0].coverage.reference.startswith("Coverage/")
    assert_golden("fhir_explanation_of_benefit_bazhong_resident.json", body)
    chinese = fhir_get(
        client, "/fhir/ExplanationOfBenefit/C-1", patient="M-0001", as_of="2026-06-01", known_at=KNOWN_AT, lang="zh"
    )
    notes = [note["text"] for note in chinese["processNote"]]
    assert any("起付标准100.00" in note for note in notes), notes
    assert chinese["item"] == body["item"], "only the texts change with the language"


def test_a_recorded_decision_is_the_explanation_of_benefit(client: TestClient) -> None:
    payment = contribution("M-0001", 2025, "2024-11-01")
    assert client.post("/v1/events", json=[make_event("MemberRegistered"), payment]).status_code == 200
    decided = client.post("/v1/claims", json=make_event("ClaimSubmitted")).json()
    eob = ExplanationOfBenefit.model_validate(
        fhir_get(client, "/fhir/ExplanationOfBenefit/C-1", patient="M-0001", known_at=KNOWN_AT)
    )
    total = {t.category.coding[0].code: f"{t.amount.value:.2f}" for t in eob.total}
    assert total == {
        "submitted": decided["total_amount"],
        "benefit": decided["fund_total"],
        "member_share": decided["member_pays"],
    }


def test_unknown_claims_are_404_outcomes_and_unknown_members_empty_searches(client: TestClient) -> None:
    bazhong_resident(client)
    missing_claim = client.get("/fhir/ExplanationOfBenefit/NOPE", params={"patient": "M-0001"})
    assert missing_claim.status_code == 404
    assert missing_claim.headers["content-type"] == FHIR_JSON
    assert missing_claim.json()["resourceType"] == "OperationOutcome"
    nobody = client.get("/fhir/Coverage", params={"beneficiary": "NOBODY"})
    assert nobody.status_code == 200 and nobody.json()["total"] == 0, "a search matching nothing: an empty Bundle"
    assert client.get("/fhir/Coverage").status_code == 422, "beneficiary is required"


def test_synthetic_members_of_both_regions_and_schemes_round_trip_through_the_validators(client: TestClient) -> None:
    schemes_seen: set[tuple[str, str]] = set()
    for region in ("shenyang", "bazhong"):
        events = list(generate_population(members=4, years=1, region=region, seed=11, scheme_mix=0.5))
        assert client.post("/v1/events", json=events).status_code == 200
        members = sorted({e["member_id"] for e in events})
        claims = [(e["member_id"], e["data"]["claim_id"]) for e in events if e["type"] == "ClaimSubmitted"]
        for member in members:
            coverage = client.get("/fhir/Coverage", params={"beneficiary": member, "known_at": KNOWN_AT})
            bundle = Bundle.model_validate_json(coverage.text)
            for entry in bundle.entry or []:
                spell = Coverage.model_validate(entry.resource.model_dump())
                schemes_seen.add((region, spell.type.coding[0].code))
            eligibility = client.get(
                "/fhir/CoverageEligibilityResponse",
                params={"patient": member, "date": "2025-09-01", "known_at": KNOWN_AT},
            )
            Bundle.model_validate_json(eligibility.text)
        for member, claim_id in claims:
            eob = client.get(f"/fhir/ExplanationOfBenefit/{claim_id}", params={"patient": member, "known_at": KNOWN_AT})
            assert eob.status_code == 200, eob.text
            ExplanationOfBenefit.model_validate_json(eob.text)
    assert {("shenyang", "employee"), ("shenyang", "resident"), ("bazhong", "employee"), ("bazhong", "resident")} <= (
        schemes_seen
    ), "both regions and both schemes were exercised"


def test_fhir_reads_need_a_service_or_auditor_key(client: TestClient) -> None:
    bazhong_resident(client)
    params = {"beneficiary": "M-0001"}
    assert client.get("/fhir/Coverage", params=params, headers={"Authorization": ""}).status_code == 401
    keys = {}
    for role in ("integration", "service", "auditor"):
        created = client.post("/v1/keys", json={"role": role, "label": f"fhir {role}"})
        assert created.status_code == 201, created.text
        keys[role] = created.json()["key"]
    for role, expected in (("integration", 403), ("service", 200), ("auditor", 200)):
        answer = client.get("/fhir/Coverage", params=params, headers={"Authorization": f"Bearer {keys[role]}"})
        assert answer.status_code == expected, role


def test_an_identity_number_in_an_eligibility_request_is_read_as_its_pseudonym(client: TestClient) -> None:
    number = "11010519491231002X"  # the worked example of GB 11643-1999
    bazhong_resident(client, member=number)
    request = {
        "resourceType": "CoverageEligibilityRequest",
        "status": "active",
        "purpose": ["validation"],
        "patient": {"reference": f"Patient/{number}"},
        "servicedDate": "2025-06-01",
        "created": "2025-06-01T08:00:00+08:00",
        "insurer": {"display": "巴中市医疗保障局"},
    }
    answer = client.post("/fhir/CoverageEligibilityRequest/$evaluate", content=json.dumps(request))
    assert answer.status_code == 200, answer.text
    assert number not in answer.text, "the ledger never answers with the identity number"
    assert answer.json()["insurance"][0]["inforce"] is True
