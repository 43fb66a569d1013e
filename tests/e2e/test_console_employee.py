"""The console's member page shows the employee blocks with the figures of the API's status document."""

from __future__ import annotations

import html as html_lib
import re

from fastapi.testclient import TestClient

from tests.e2e.test_status_cli_employee import MEMBER, employee_events

QUERY = {"as_of": "2025-10-01", "known_at": "2099-01-01T00:00:00Z"}


def figure(page: str, field: str) -> str:
    """The text of the element carrying ``data-field="field"`` (the first one)."""
    found = re.search(rf'data-field="{re.escape(field)}"[^>]*>([^<]*)<', page)
    assert found is not None, f"no {field} on the page"
    return html_lib.unescape(found.group(1)).strip()


def explanation(page: str, field: str) -> str:
    """The expandable explanation of ``field``."""
    found = re.search(rf'<details class="why" data-explains="{re.escape(field)}">(.*?)</details>', page, re.S)
    assert found is not None, f"no explanation of {field} on the page"
    return html_lib.unescape(found.group(1))


def test_member_page_shows_the_balance_years_and_allowance_of_the_api_status(client: TestClient) -> None:
    assert client.post("/v1/events", json=employee_events()).status_code == 200
    status = client.get(f"/v1/members/{MEMBER}/status", params=QUERY).json()
    page = client.get(f"/console/members/{MEMBER}", params=QUERY | {"lang": "en"})
    assert page.status_code == 200
    html = page.text

    account = status["personal_account"]
    assert account["balance"] == "1000.00"
    assert f'data-field="personal_account.balance"><b class="money">{account["balance"]}</b>' in html
    for name in ("credited", "spent", "family_aid", "paid_out"):
        assert figure(html, f"personal_account.{name}") == account[name]
    assert figure(html, "personal_account.known_at") == account["known_at"]
    last = len(account["movements"]) - 1
    assert (
        figure(html, f"personal_account.movements[{last}].balance_after") == account["movements"][-1]["balance_after"]
    )
    assert "Personal account" in html and "Latest movements" in html
    # Each movement shown and each refusal expands to its explanation with the parameters it read.
    assert "personal_account.in_service_rate" in explanation(html, f"personal_account.movements[{last}]")
    assert figure(html, "personal_account.refused[0].reason") == account["refused"][0]["reason"]
    assert "is not bound as a close relative" in explanation(html, "personal_account.refused[0]")

    years = status["contribution_years"]
    for name in ("total_years", "actual_years", "required_total_years", "required_actual_years", "shortfall_years"):
        assert figure(html, f"contribution_years.{name}") == years[name], name
    assert figure(html, "contribution_years.shortfall_months") == str(years["shortfall_months"])
    assert years["shortfall_months"] == 182
    why = explanation(html, "contribution_years")
    assert "retirement.minimum_years_total" in why and "4.83 year(s) in all" in why

    allowance = status["maternity"]["allowances"][0]
    assert (allowance["days"], allowance["net"]) == (98, "29400.00")
    assert figure(html, "maternity.allowances[0].days") == str(allowance["days"])
    assert figure(html, "maternity.allowances[0].gross") == allowance["gross"]
    assert figure(html, "maternity.allowances[0].net") == allowance["net"]
    assert figure(html, "maternity.consecutive_paid_months") == str(status["maternity"]["consecutive_paid_months"])
    assert 'data-field="maternity.allowances[0]" data-status="qualified"' in html
    assert "maternity.allowance_days" in explanation(html, "maternity.allowances[0]")

    chinese = client.get(f"/console/members/{MEMBER}", params=QUERY | {"lang": "zh"}).text
    assert "个人账户" in chinese and "缴费年限" in chinese and "生育津贴" in chinese
    # The explanations are in Chinese too, from the same message keys: the default language of the console.
    by_default = client.get(f"/console/members/{MEMBER}", params=QUERY).text
    assert by_default == chinese
    why = explanation(chinese, "contribution_years")
    assert "累计缴费年限4.83年" in why and "year(s) in all" not in why
    assert "未绑定为近亲属" in explanation(chinese, "personal_account.refused[0]")
    assert figure(chinese, "personal_account.refused[0].reason").endswith("未绑定为近亲属")


def test_a_resident_member_page_has_no_employee_blocks(client: TestClient) -> None:
    from tests.support.events import make_event

    events = [make_event("MemberRegistered"), make_event("ContributionPaid")]
    assert client.post("/v1/events", json=events).status_code == 200
    page = client.get("/console/members/M-0001", params={"as_of": "2025-06-01", "lang": "en"})
    assert page.status_code == 200
    assert 'id="employee"' not in page.text and "Personal account" not in page.text
