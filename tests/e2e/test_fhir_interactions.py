"""FHIR R4 as an integrator uses it: metadata, reads whose references resolve, searches, OperationOutcome errors.

Every FHIR answer is also checked by a second, independent validator (FHIRPath on the R4 model,
tests/support/fhir_invariants.py) besides fhir.resources, which builds them.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.coverage import Coverage
from fhir.resources.R4B.explanationofbenefit import ExplanationOfBenefit
from fhir.resources.R4B.operationoutcome import OperationOutcome

from tests.e2e.test_fhir_api import FHIR_JSON, KNOWN_AT, bazhong_resident, contribution
from tests.support.events import make_event
from tests.support.fhir_invariants import assert_valid


def fhir(client: TestClient, path: str, status: int = 200, **params: str) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == FHIR_JSON
    body = response.json()
    assert_valid(body)
    return body


def test_metadata_states_the_served_interactions_without_a_key(client: TestClient) -> None:
    response = client.get("/fhir/metadata", headers={"Authorization": ""})
    assert response.status_code == 200 and response.headers["content-type"] == FHIR_JSON
    body = response.json()
    assert_valid(body)
    statement = CapabilityStatement.model_validate(body)
    assert statement.kind == "instance" and statement.format == ["application/fhir+json", "json"]
    served = {r.type: r for r in statement.rest[0].resource}
    assert {i.code for i in served["Coverage"].interaction} == {"read", "search-type"}
    assert {p.name for p in served["Coverage"].searchParam} == {"beneficiary", "patient"}
    assert {i.code for i in served["ExplanationOfBenefit"].interaction} == {"read", "search-type"}
    assert served["CoverageEligibilityRequest"].operation[0].name == "evaluate"


def test_the_references_an_explanation_of_benefit_carries_resolve(client: TestClient) -> None:
    bazhong_resident(client)
    searched = fhir(client, "/fhir/ExplanationOfBenefit", patient="Patient/M-0001", known_at=KNOWN_AT)
    bundle = Bundle.model_validate(searched)
    assert bundle.type == "searchset" and bundle.total == 1
    eob_url = bundle.entry[0].fullUrl
    assert eob_url.endswith("/fhir/ExplanationOfBenefit/C-1")
    read = fhir(client, "/fhir/ExplanationOfBenefit/C-1", known_at=KNOWN_AT)  # no patient: found from the id
    assert read == searched["entry"][0]["resource"], "a read and a search give the same resource"
    eob = ExplanationOfBenefit.model_validate(read)
    coverage_reference = eob.insurance[0].coverage.reference
    coverage = Coverage.model_validate(fhir(client, f"/fhir/{coverage_reference}", known_at=KNOWN_AT))
    assert coverage.period.start.isoformat() == "2025-01-01", "the spell covering the admission day (2025-05-01)"
    assert coverage.beneficiary.identifier.value == "M-0001"


def test_coverage_search_by_beneficiary_or_patient_and_read_by_id(client: TestClient) -> None:
    bazhong_resident(client)
    by_beneficiary = fhir(client, "/fhir/Coverage", beneficiary="M-0001", as_of="2026-06-01", known_at=KNOWN_AT)
    by_patient = fhir(client, "/fhir/Coverage", patient="Patient/M-0001", as_of="2026-06-01", known_at=KNOWN_AT)
    assert by_beneficiary == by_patient and by_patient["total"] == 1, "2025 and 2026 paid: one spell"
    for entry in by_patient["entry"]:
        assert entry["fullUrl"].endswith(f"/fhir/Coverage/{entry['resource']['id']}")
        assert fhir(client, f"/fhir/Coverage/{entry['resource']['id']}", known_at=KNOWN_AT) == entry["resource"]


def test_searches_that_match_nothing_are_empty_bundles(client: TestClient) -> None:
    bazhong_resident(client)
    for path, params in (
        ("/fhir/Coverage", {"beneficiary": "NOBODY"}),
        ("/fhir/Coverage", {"patient": "Patient/NOBODY"}),
        ("/fhir/ExplanationOfBenefit", {"patient": "NOBODY"}),
    ):
        body = fhir(client, path, **params)
        assert body["resourceType"] == "Bundle" and body["type"] == "searchset"
        assert body["total"] == 0 and not body.get("entry")


def test_errors_are_operation_outcomes_with_the_status(client: TestClient) -> None:
    bazhong_resident(client)
    missing = fhir(client, "/fhir/ExplanationOfBenefit/NOPE", status=404, patient="M-0001")
    outcome = OperationOutcome.model_validate(missing)
    assert outcome.issue[0].code == "not-found" and "NOPE" in outcome.issue[0].diagnostics
    unresolvable = fhir(client, "/fhir/ExplanationOfBenefit/NOPE", status=404)
    assert "patient" in unresolvable["issue"][0]["diagnostics"], "says how to name the member"
    assert fhir(client, "/fhir/Coverage/not-a-coverage", status=404)["issue"][0]["code"] == "not-found"
    invalid = fhir(client, "/fhir/Coverage", status=422)
    assert invalid["issue"][0]["code"] == "invalid" and "beneficiary" in invalid["issue"][0]["diagnostics"]
    unauthenticated = client.get("/fhir/Coverage", params={"beneficiary": "M-0001"}, headers={"Authorization": ""})
    assert unauthenticated.status_code == 401 and unauthenticated.json()["issue"][0]["code"] == "login"
    assert unauthenticated.headers["content-type"] == FHIR_JSON


def test_xml_is_refused_with_406_not_answered_in_json(client: TestClient) -> None:
    bazhong_resident(client)
    for headers, params in (
        ({"Accept": "application/fhir+xml"}, {}),
        ({"Accept": "application/xml"}, {}),
        ({}, {"_format": "xml"}),
    ):
        response = client.get("/fhir/Coverage", params={"beneficiary": "M-0001", **params}, headers=headers)
        assert response.status_code == 406, (headers, params)
        assert response.headers["content-type"] == FHIR_JSON
        assert response.json()["issue"][0]["code"] == "not-supported"
    either = client.get(
        "/fhir/Coverage", params={"beneficiary": "M-0001"}, headers={"Accept": "application/fhir+xml, */*;q=0.1"}
    )
    assert either.status_code == 200, "a client that also accepts anything gets JSON"


def test_a_denied_claim_is_complete_with_its_reasons(client: TestClient) -> None:
    # Paid 2025 after the central window (2025-04-01): a 3-month wait, so a claim admitted 2025-05-01 is refused.
    events = [
        make_event("MemberRegistered", member_id="M-0002"),
        contribution("M-0002", 2025, "2025-04-01"),
        make_event("ClaimSubmitted", member_id="M-0002"),
    ]
    assert client.post("/v1/events", json=events).status_code == 200
    eob = ExplanationOfBenefit.model_validate(
        fhir(client, "/fhir/ExplanationOfBenefit/C-1", patient="M-0002", known_at=KNOWN_AT)
    )
    assert eob.outcome == "complete", "R4: adjudicated, though denied (error = could not be processed)"
    benefit = next(a for a in eob.item[0].adjudication if a.category.coding[0].code == "benefit")
    assert benefit.amount.value == 0
    assert benefit.reason is not None and benefit.reason.coding[0].code == "rejected"
    assert benefit.reason.text and benefit.reason.text in eob.disposition
