"""Finding members by name: the optional ``MemberRegistered.name``, the member list's name column and index,
the console's search box (id prefix, identity number or name prefix) and ``GET /v1/members``, over HTTP.

Runs on SQLite and PostgreSQL (the ``client`` fixture); the projection is caught up as ``ledger project``
does before each read of the list.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from api.auth import create_key
from projections.entitlements import catch_up, open_projection
from tests.support.events import make_event

#: A valid mainland identity number (checksum X): the API and the console pseudonymise it.
IDENTITY_NUMBER = "11010519491231002X"


def registered(member: str, name: str | None, *, region: str = "bazhong", label: str | None = None) -> dict[str, Any]:
    return make_event("MemberRegistered", member_id=member, region=region, name=name, label=label)


def projected(client: TestClient) -> None:
    """Catch the live projection up (the member list reads the member index it writes)."""
    state = client.app.state  # type: ignore[attr-defined]
    url = state.read_engine.url.render_as_string(hide_password=False)
    projection = open_projection(url, state.ledger, state.rulebook)
    try:
        catch_up(state.ledger, projection)
    finally:
        projection.view.engine.dispose()


def members(client: TestClient, **params: str) -> list[tuple[str, str | None]]:
    answer = client.get("/v1/members", params=params)
    assert answer.status_code == 200, answer.text
    return [(row["member_id"], row["name"]) for row in answer.json()["members"]]


def with_key(client: TestClient, role: str) -> TestClient:
    key = create_key(client.app.state.read_engine, role=role)[1]  # type: ignore[attr-defined]
    return TestClient(client.app, headers={"Authorization": f"Bearer {key}"}, follow_redirects=False)


def store_people(client: TestClient) -> None:
    events = [
        registered("M-ZS1", "张三"),
        registered("M-ZS2", "张三丰", region="shenyang"),
        registered("M-LS", "李四"),
        registered("M-LW", "Li Wei"),
        registered("M-PCT", "100%".replace("100", "百")),  # a name with a LIKE wildcard in it: 百%
        registered("M-NONAME", None),
        registered(IDENTITY_NUMBER, "王五"),
    ]
    answer = client.post("/v1/events", json=events)
    assert answer.status_code == 200, answer.text
    projected(client)


def test_the_member_list_api_searches_names_by_prefix_ignoring_case_width_and_spaces(client: TestClient) -> None:
    store_people(client)
    assert members(client, name="张三") == [("M-ZS1", "张三"), ("M-ZS2", "张三丰")]
    assert members(client, name="张三丰") == [("M-ZS2", "张三丰")]
    assert members(client, name="三") == [], "a prefix, not a substring"
    for typed in ("li w", "LIWEI", "Ｌｉ", " li "):
        assert members(client, name=typed) == [("M-LW", "Li Wei")], typed
    assert members(client, name="百%") == [("M-PCT", "百%")]
    assert members(client, name="%") == [], "the wildcard is a character, not a pattern"
    assert members(client, name="_") == []
    assert members(client, name="张", region="shenyang") == [("M-ZS2", "张三丰")], "filters combine"
    assert members(client, name="张", prefix="M-ZS1") == [("M-ZS1", "张三")]
    everyone = dict(members(client))
    assert everyone["M-NONAME"] is None, "a registration without a name lists without one"
    pseudonymised = [m for m, n in members(client, name="王") if n == "王五"]
    assert len(pseudonymised) == 1 and pseudonymised[0] != IDENTITY_NUMBER, "the id is stored pseudonymised"
    assert client.get("/v1/members", params={"name": "x" * 65}).status_code == 422
    # No stored name holds a control character, and one in the query is refused at the edge, naming where.
    nul = client.get("/v1/members", params={"name": "\x00"})
    assert nul.status_code == 400 and nul.json()["type"] == "/problems/control-character", nul.text
    assert nul.json()["errors"][0]["field"] == "name"


def test_a_correcting_registration_renames_and_a_name_never_holds_digits(client: TestClient) -> None:
    store_people(client)
    correction = registered("M-LS", "李思", label="M-LS:renamed") | {"occurred_on": "2024-12-02"}
    assert client.post("/v1/events", json=[correction]).status_code == 200
    projected(client)
    assert members(client, name="李") == [("M-LS", "李思")], "the latest registration's name"
    assert members(client, name="李四") == []
    refused = client.post("/v1/events", json=[registered("M-DIGITS", "张3", label="digits")])
    assert refused.status_code == 422 and "data.name" in refused.text
    refused = client.post("/v1/events", json=[registered("M-ID", IDENTITY_NUMBER, label="id-as-name")])
    assert refused.status_code == 422, "an identity number cannot be stored as a name"


def test_names_are_read_only_by_member_reading_roles(client: TestClient) -> None:
    store_people(client)
    assert with_key(client, "integration").get("/v1/members", params={"name": "张"}).status_code == 403
    limited = client.app.state.read_engine  # type: ignore[attr-defined]
    region_key = create_key(limited, role="integration", regions=["bazhong"])[1]
    regional = TestClient(client.app, headers={"Authorization": f"Bearer {region_key}"})
    assert regional.get("/v1/members", params={"name": "张"}).status_code == 403
    assert regional.get("/console/member-list", params={"name": "张"}).status_code == 403
    for role in ("service", "auditor"):
        assert [m for m, _ in members(with_key(client, role), name="张")] == ["M-ZS1", "M-ZS2"], role


def test_the_console_search_box_takes_an_id_prefix_an_identity_number_or_a_name_prefix(client: TestClient) -> None:
    store_people(client)
    service = with_key(client, "service")

    def search(text: str) -> tuple[str, dict[str, list[str]]]:
        answer = service.get("/console/members", params={"q": text})
        assert answer.status_code == 303, answer.text
        location = urlsplit(answer.headers["location"])
        return location.path, parse_qs(location.query)

    assert search("M-ZS1") == ("/console/members/M-ZS1", {})
    path, _ = search(IDENTITY_NUMBER)
    assert path.startswith("/console/members/") and IDENTITY_NUMBER not in path, "the pseudonym's page"
    assert search("M-Z") == ("/console/member-list", {"prefix": ["M-Z"]})
    assert search("张三") == ("/console/member-list", {"name": ["张三"]}), "no id starts with it: a name"
    assert search("Li W") == ("/console/member-list", {"name": ["Li W"]})

    page = service.get("/console/member-list", params={"name": "张三"})
    assert page.status_code == 200
    html = page.text
    assert 'id="filter-name" value="张三"' in html
    assert html.count('class="member-row"') == 2
    assert '<td class="member-name">张三</td>' in html and '<td class="member-name">张三丰</td>' in html
    assert "李四" not in html
    none = service.get("/console/member-list", params={"name": "赵"})
    assert none.status_code == 200 and 'class="member-row"' not in none.text
    home = service.get("/console/")
    assert "姓名" in home.text, "the search box says names are searched too"
