"""Members beyond the rule book end to end: an Anshan employee through the API and ``ledger scenario``.

Anshan has only the remote-care article (004, ``anshan-remote``): the status answers with the
coverage facts, ``rule_set`` null and the reason; a remote stay is settled by ``anshan-remote``,
a local one refused with the reason; other members of the same batch or scenario are unaffected.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.main import app
from tests.support.events import make_event

REASON = "no rule set anshan-employee: the rulebook holds only the partial rule set anshan-remote for anshan"


def anshan_events() -> list[dict[str, Any]]:
    registered = make_event("MemberRegistered", member_id="AS-0001", label="as-reg", region="anshan")
    paid = make_event(
        "ContributionPaid", member_id="AS-0001", label="as-paid", scheme="employee", region="anshan", amount="3600"
    ) | {"occurred_on": "2024-12-20"}
    filed = make_event("RemoteCareFiled", member_id="AS-0001", label="as-filed", valid_from="2025-02-01")
    return [registered, paid, filed]


def claim(claim_id: str, location: str, *, member_id: str = "AS-0001") -> dict[str, Any]:
    return make_event(
        "ClaimSubmitted",
        member_id=member_id,
        label=f"claim-{claim_id}",
        claim_id=claim_id,
        facility_level="level3",
        location=location,
        total_amount="10700.00",
        policy_amount="10700.00",
        out_of_scope="0.00",
        flags=[],
    )


def test_the_api_answers_for_an_anshan_employee_and_the_batch_neighbour(client: TestClient) -> None:
    neighbour = make_event("ContributionPaid") | {"occurred_on": "2024-11-01"}
    stored = client.post("/v1/events", json=[*anshan_events(), make_event("MemberRegistered"), neighbour])
    assert stored.status_code == 200, stored.text
    # (10700 − 700) × 70 % (filed, in service) = 7000.00 (004 二、2)
    remote = client.post("/v1/claims", json=claim("AS-C1", "remote_long_term"))
    assert remote.status_code == 201, remote.text
    body = remote.json()
    assert body["status"] == "settled" and body["edition"]["name"] == "anshan-remote"
    assert body["layers"] == {"basic_pool": "7000.00"} and body["member_pays"] == "3700.00"
    assert "004 二、2 报销比例及起付标准" in json.dumps(body["explanations"], ensure_ascii=False)
    local = client.post("/v1/claims", json=claim("AS-C2", "local") | {"occurred_on": "2025-05-10"})
    assert local.status_code == 201, local.text
    assert local.json()["status"] == "rejected" and local.json()["reasons"][0].startswith(REASON)
    status = client.get("/v1/members/AS-0001/status", params={"as_of": "2025-06-30"})
    assert status.status_code == 200, status.text
    document = status.json()
    assert document["rule_set"] is None and document["reason"] == REASON
    assert document["covered"] is True and document["scheme"] == "employee" and document["benefits_active"] is None
    # 张三 (002 ch.1 四十三) in the same batch is settled as always: (4200 − 100) × 90 % = 3690.
    other = client.post("/v1/claims", json=make_event("ClaimSubmitted"))
    assert other.status_code == 201 and other.json()["layers"]["basic_pool"] == "3690.00"


def test_ledger_scenario_no_longer_fails_on_an_anshan_member(tmp_path: Path) -> None:
    events = [*anshan_events(), claim("AS-C1", "remote_temporary_other")]
    body = {"events": events, "queries": [{"member_id": "AS-0001", "as_of": "2025-06-30"}, {"claim_id": "AS-C1"}]}
    path = tmp_path / "anshan.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    result = CliRunner().invoke(app, ["scenario", str(path)])
    assert result.exit_code == 0, result.output
    status, settlement = json.loads(result.stdout)
    assert status["rule_set"] is None and status["reason"] == REASON
    # Filed on 2025-02-01 (valid on admission): (10700 − 700) × 70 % = 7000.00
    assert settlement["status"] == "settled" and settlement["layers"] == {"basic_pool": "7000.00"}


def test_every_representation_answers_for_an_anshan_employee(client: TestClient) -> None:
    """Status in the platform's format and the FHIR resources: answers, not server errors."""
    assert client.post("/v1/events", json=anshan_events()).status_code == 200
    assert client.post("/v1/claims", json=claim("AS-C1", "remote_long_term")).status_code == 201
    known_at = "2030-01-01T00:00:00Z"
    answers = {
        "nhsa status": client.get("/v1/members/AS-0001/status", params={"as_of": "2025-06-30", "format": "nhsa"}),
        "nhsa claim": client.post("/v1/claims?format=nhsa", json=claim("AS-C1", "remote_long_term")),
        "coverage": client.get(
            "/fhir/Coverage", params={"beneficiary": "AS-0001", "as_of": "2025-06-30", "known_at": known_at}
        ),
        "eligibility": client.get(
            "/fhir/CoverageEligibilityResponse",
            params={"patient": "AS-0001", "date": "2025-06-30", "known_at": known_at},
        ),
        "eob": client.get("/fhir/ExplanationOfBenefit/AS-C1", params={"patient": "AS-0001", "known_at": known_at}),
    }
    failed = {name: (r.status_code, r.text[:300]) for name, r in answers.items() if r.status_code != 200}
    assert failed == {}
