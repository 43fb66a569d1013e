"""Employees over HTTP: contributions collected the month after, arrears past the grace, certified retirees.

Expected values by hand from 000 待遇起始时间 1–2 (次月; 未按照规定缴纳…从次月起停止) under the reading
``readings.employee_contribution_due`` (month M due by the end of M+1), and 002 ch.2 十八问 with
rules-digest §8 ``retiree_without_contributions``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from domain.dates import add_months
from tests.support.events import make_event

KNOWN_AT = "2030-01-01T00:00:00Z"


def _month_paid_next_month(member: str, month: date, day: int) -> dict[str, Any]:
    end = add_months(month, 1).toordinal() - 1
    event = make_event(
        "ContributionPaid",
        member_id=member,
        label=f"{member}:{month:%Y-%m}",
        scheme="employee",
        region="shenyang",
        coverage_start=month.isoformat(),
        coverage_end=date.fromordinal(end).isoformat(),
        amount="300.00",
        kind="regular",
    )
    return event | {"occurred_on": add_months(month, 1).replace(day=day).isoformat()}


def _status(client: TestClient, member: str, as_of: str, **params: str) -> dict[str, Any]:
    response = client.get(f"/v1/members/{member}/status", params={"as_of": as_of, "known_at": KNOWN_AT} | params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_an_employer_paying_each_month_the_month_after_keeps_one_spell(client: TestClient) -> None:
    member = "E-ARR-1"
    events = [make_event("MemberRegistered", member_id=member, region="shenyang", birth_date="1985-05-05", sex="M")]
    # January 2025 .. December 2025, each paid on the 20th of the following month.
    events += [_month_paid_next_month(member, add_months(date(2025, 1, 1), n), 20) for n in range(12)]
    assert client.post("/v1/events", json=events).status_code == 200

    # January paid Feb 20 → benefits from the month after the payment, Mar 1 (次月): a wait until then.
    waiting = _status(client, member, "2025-02-25")
    assert (waiting["covered"], waiting["benefits_active"], waiting["benefits_start"]) == (True, False, "2025-03-01")
    # June 10: May not yet paid (due by June 30): inside the spell, benefits since Mar 1, never interrupted.
    for as_of in ("2025-06-10", "2025-06-25", "2025-11-01"):
        body = _status(client, member, as_of)
        assert (body["covered"], body["benefits_active"], body["suspended"]) == (True, True, False), as_of
        assert body["benefits_start"] == "2025-03-01" and body["spell"]["covered_from"] == "2025-01-01"

    coverage = client.get(
        "/fhir/Coverage", params={"beneficiary": f"Patient/{member}", "as_of": "2026-01-10", "known_at": KNOWN_AT}
    ).json()
    assert coverage["total"] == 1, "twelve payments in one spell: one Coverage"

    # December 2025 paid 2026-01-20; January 2026 due by Feb 28 and unpaid: benefits stop from Mar 1 2026.
    assert _status(client, member, "2026-02-27")["benefits_active"] is True
    arrears = _status(client, member, "2026-03-05")
    assert (arrears["covered"], arrears["benefits_active"], arrears["suspended"]) == (False, False, True)
    assert any(e["field"] == "suspended" and "欠费" in e["text"] for e in arrears["explanations"])
    nhsa = _status(client, member, "2026-03-05", format="nhsa")
    assert nhsa["insuinfo"][0]["psn_insu_stas"] == "2", "in arrears: 暂停"


def test_a_certified_retiree_without_a_retirement_event_is_covered_without_paying(client: TestClient) -> None:
    member = "E-RET-1"
    events = [
        make_event("MemberRegistered", member_id=member, region="bazhong", birth_date="1955-03-03", sex="M"),
        make_event("CategoryCertified", member_id=member, category="retired", valid_from="2025-01-01", valid_to=None)
        | {"occurred_on": "2025-01-01"},
    ]
    assert client.post("/v1/events", json=events).status_code == 200
    body = _status(client, member, "2025-06-01")
    assert (body["covered"], body["benefits_active"], body["benefits_start"]) == (True, True, "2025-01-01")
    assert body["contribution_years"]["retired_on"] == "2025-01-01"
