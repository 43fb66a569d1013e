"""The console's pages over HTTP (no browser): access by role, the sign-in cookie, figures as the API gives them.

The browser tests (tests/browser) drive the same pages in Chromium; these run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from fastapi.testclient import TestClient

from api.auth import create_key
from domain.audit import RECORDED
from projections.audit import audit_members, member_ids
from tests.support.events import make_event


def contribution(year: int, paid_on: str, *, label: str, kind: str = "regular") -> dict[str, object]:
    event = make_event("ContributionPaid", label=label, kind=kind, coverage_start=f"{year}-01-01")
    event["data"]["coverage_end"] = f"{year}-12-31"
    return event | {"occurred_on": paid_on}


def anonymous(client: TestClient) -> TestClient:
    """The same application without the admin key the fixture's client carries."""
    return TestClient(client.app, follow_redirects=False)


def signed_in(client: TestClient, role: str) -> TestClient:
    """A browser-like client that signed in through the page with a new key of ``role``."""
    key = create_key(client.app.state.read_engine, role=role)[1]  # type: ignore[attr-defined]
    browser = anonymous(client)
    answer = browser.post(
        "/console/sign-in",
        content=f"api_key={key}&next=/console/rules",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/console/rules"
    cookie = answer.headers["set-cookie"]
    assert "ledger_api_key=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    return browser


def test_pages_send_a_browser_without_key_to_sign_in_and_refuse_roles_by_page(client: TestClient) -> None:
    nobody = anonymous(client)
    answer = nobody.get("/console/members/M-0001", params={"as_of": "2026-01-01"})
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/console/sign-in?next=%2Fconsole%2Fmembers%2FM-0001")
    nobody.cookies.set("ledger_api_key", "lk_unknown_key")
    assert "refused=1" in nobody.get("/console/rules").headers["location"]

    integration, service, auditor = (signed_in(client, role) for role in ("integration", "service", "auditor"))
    assert integration.get("/console/rules").status_code == 200
    assert integration.get("/console/").status_code == 403
    assert service.get("/console/").status_code == 200
    refused = service.get("/console/audit")
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
    assert auditor.get("/console/audit").status_code == 200


def test_sign_in_returns_only_inside_the_console(client: TestClient) -> None:
    browser = anonymous(client)
    form = {"content-type": "application/x-www-form-urlencoded"}
    for target in ("https://elsewhere.example/", "//elsewhere.example/console/", "/v1/rules"):
        answer = browser.post("/console/sign-in", content=f"api_key=k&next={target}", headers=form)
        assert answer.headers["location"] == "/console/"
    signed_out = browser.post("/console/sign-out")
    assert signed_out.status_code == 303 and 'ledger_api_key=""' in signed_out.headers["set-cookie"]


def test_member_page_shows_the_api_status_and_the_repaired_waiting_period(client: TestClient) -> None:
    events = [make_event("MemberRegistered"), contribution(2027, "2026-11-01", label="p2027")]
    events.append(contribution(2026, "2026-11-02", label="repair-2026", kind="repair"))
    assert client.post("/v1/events", json=events).status_code == 200
    status = client.get("/v1/members/M-0001/status", params={"as_of": "2027-03-01"}).json()
    page = client.get("/console/members/M-0001", params={"as_of": "2027-03-01", "lang": "en"})
    assert page.status_code == 200 and "ledger_api_key" not in page.text
    html = page.text
    waiting = status["waiting"]
    assert f'data-field="waiting" data-value="{waiting["total_months"]}"' in html
    assert f'data-field="major_illness.cap">{status["major_illness"]["cap"]}<' in html
    assert f'data-field="continuity.gap_years">{status["continuity"]["gap_years"]}<' in html
    # The wait on the timeline: 3 fixed months from the year's start; the variable month the repair removed is
    # drawn (as "repaired") after the wait it no longer lengthens.
    assert waiting["counted_from"] == "2027-01-01" and waiting["ends_on"] == "2027-04-01"
    assert 'data-lane="resident" data-kind="fixed" data-from="2027-01-01" data-until="2027-04-01"' in html
    assert 'data-lane="resident" data-kind="repaired" data-from="2027-04-01" data-until="2027-05-01"' in html
    assert 'data-kind="variable"' not in html
    assert 'data-lane="gaps" data-kind="gap"' not in html
    assert "Waiting period" in html and "待遇等待期" not in html


def test_member_page_shows_a_correction_and_the_decision_it_changed(client: TestClient) -> None:
    payment = make_event("ContributionPaid") | {"occurred_on": "2024-11-01"}
    client.post("/v1/events", json=[make_event("MemberRegistered"), payment])
    before = datetime.now(UTC).isoformat()
    assert client.post("/v1/claims", json=make_event("ClaimSubmitted")).json()["fund_total"] == "3690.00"
    fix = make_event("EventRetracted", retracted_event_id=payment["event_id"], reason="paid for another member")
    assert client.post("/v1/events", json=[fix]).status_code == 200
    html = client.get("/console/members/M-0001", params={"as_of": "2025-06-01", "lang": "en"}).text
    assert f'data-event-id="{payment["event_id"]}"' in html and "paid for another member" in html
    assert 'data-field="corrections.revised_claims[0].recorded.fund_total">3690.00<' in html
    assert 'data-field="corrections.revised_claims[0].recomputed.fund_total">0.00<' in html
    then = client.get("/console/members/M-0001", params={"as_of": "2025-06-01", "known_at": before, "lang": "en"})
    assert 'id="corrections"' not in then.text


def test_audit_csv_is_the_audit_of_the_ledger(client: TestClient) -> None:
    events = [make_event("MemberRegistered"), make_event("ContributionPaid") | {"occurred_on": "2024-11-01"}]
    events.append(make_event("ClaimSubmitted"))
    assert client.post("/v1/events", json=events).status_code == 200
    query = {"a": "rulebook", "b": "recorded", "as_of": "2026-06-01"}
    page = client.get("/console/audit/diff", params=query)
    assert page.status_code == 200 and 'id="members-changed">1<' in page.text
    answer = client.get("/console/audit/diff.csv", params=query)
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    state = client.app.state  # type: ignore[attr-defined]
    expected = [
        difference.row()
        for _, found in audit_members(
            state.ledger,
            state.rulebook,
            edition_a=None,
            against=RECORDED,
            members=member_ids(state.ledger),
            as_of=date(2026, 6, 1),
            known_at=datetime.now(UTC),
        )
        for difference in found
    ]
    assert rows and rows == [{key: str(value) for key, value in row.items()} for row in expected]
    drilled = client.get("/console/audit/diff.csv", params=query | {"d_layer": "no-such-layer"})
    assert drilled.text.strip().count("\n") == 0, "a drill-down to nothing leaves the header only"


def test_timeline_draws_a_scheme_switch_the_gap_before_it_and_the_employee_wait(client: TestClient) -> None:
    employee = make_event(
        "ContributionPaid", label="employee-2025", scheme="employee", coverage_start="2025-01-01", amount="1200.00"
    )
    employee["data"]["coverage_end"] = "2025-06-30"
    resident = contribution(2026, "2025-12-01", label="resident-2026")
    events = [make_event("MemberRegistered"), employee | {"occurred_on": "2025-01-15"}, resident]
    assert client.post("/v1/events", json=events).status_code == 200
    html = client.get("/console/members/M-0001", params={"as_of": "2026-06-01"}).text
    assert 'data-lane="employee" data-kind="fixed" data-from="2025-01-15"' in html
    # Paid to June; the arrears grace (002 ch.2 二十三问: suspended from the 4th unpaid month) keeps the spell to
    # the end of September, so the gap runs from October.
    assert 'data-lane="gaps" data-kind="gap" data-from="2025-10-01" data-until="2026-01-01"' in html
    assert 'data-lane="resident" data-kind="benefits" data-from="2026-01-01"' in html
    assert 'data-kind="switch" data-on="2026-01-01"' in html
    assert "职工医保 → 城乡居民医保" in html, "the switch says from which scheme to which, in Chinese by default"
