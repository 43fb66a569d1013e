"""The console's member page shows the contributions table (缴费核对) with the figures of the API's status."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.e2e.test_cli_contributions import MEMBER, contribution_events
from tests.e2e.test_console_employee import explanation, figure

QUERY = {"as_of": "2025-06-30", "known_at": "2099-01-01T00:00:00Z"}


def test_member_page_lists_each_payment_with_its_standard_and_verdict(client: TestClient) -> None:
    assert client.post("/v1/events", json=contribution_events()).status_code == 200
    status = client.get(f"/v1/members/{MEMBER}/status", params=QUERY).json()
    contributions = status["contributions"]
    assert [c["amount_status"] for c in contributions] == ["paid", "underpaid"]
    page = client.get(f"/console/members/{MEMBER}", params=QUERY | {"lang": "en"})
    assert page.status_code == 200
    html = page.text
    assert 'id="contributions"' in html and "Contributions checked" in html
    for index, item in enumerate(contributions):
        for name in ("period", "amount", "standard", "difference"):
            assert figure(html, f"contributions[{index}].{name}") == item[name], (index, name)
    assert figure(html, "contributions[1].difference") == "-72.00"  # 2 × (6000 × 8.6 % + 6000 × 2 %) − 1200
    assert figure(html, "contributions[0].verdict") == "paid in full"
    assert figure(html, "contributions[1].verdict") == "underpaid"
    why = explanation(html, "contributions[1]")
    assert "contribution.employer_rate" in why and "readings.employee_contribution_components" in why

    chinese = client.get(f"/console/members/{MEMBER}", params=QUERY | {"lang": "zh"}).text
    assert "缴费核对" in chinese and "应缴标准" in chinese
    assert figure(chinese, "contributions[1].verdict") == "少缴"


def test_a_member_without_payments_has_no_contributions_table(client: TestClient) -> None:
    from tests.support.events import make_event

    assert client.post("/v1/events", json=[make_event("MemberRegistered")]).status_code == 200
    page = client.get("/console/members/M-0001", params={"as_of": "2025-06-01", "lang": "en"})
    assert page.status_code == 200
    assert 'id="contributions"' not in page.text
