"""Status end to end: events in over HTTP, the status document out, bitemporal and explained."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.events import make_event


def contribution(year: int, paid_on: str, *, label: str) -> dict[str, object]:
    event = make_event("ContributionPaid", label=label, coverage_start=f"{year}-01-01", coverage_end=f"{year}-12-31")
    return event | {"occurred_on": paid_on}


def test_status_follows_effective_and_recorded_time(client: TestClient) -> None:
    first = [make_event("MemberRegistered"), contribution(2027, "2026-11-01", label="p2027")]
    assert client.post("/v1/events", json=first).status_code == 200
    status = client.get("/v1/members/M-0001/status", params={"as_of": "2027-03-01"}).json()
    assert status["covered"] is True and status["benefits_active"] is False
    assert status["waiting"]["total_months"] == 4  # 2025 and 2026 not covered: 3 + 1 (002 ch.3 十问 例五)
    assert status["major_illness"]["cap"] == "292000.00"
    assert status["explanations"][0]["parameters"][0]["reference"]["seed_file"].startswith("002_")
    known_before = status["known_at"]

    repair = make_event("ContributionPaid", label="repair-2026", kind="repair") | {"occurred_on": "2026-11-02"}
    repair["data"] |= {"coverage_start": "2026-01-01", "coverage_end": "2026-12-31"}
    assert client.post("/v1/events", json=[repair]).status_code == 200
    repaired = client.get("/v1/members/M-0001/status", params={"as_of": "2027-03-01"}).json()
    assert repaired["waiting"]["total_months"] == 3
    earlier_view = client.get(
        "/v1/members/M-0001/status", params={"as_of": "2027-03-01", "known_at": known_before}
    ).json()
    assert earlier_view["waiting"]["total_months"] == 4, "known_at before the repair sees the old wait"


def test_status_of_unknown_member_is_404_problem(client: TestClient) -> None:
    response = client.get("/v1/members/NOBODY/status", params={"as_of": "2026-01-01"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_status_errors_name_the_parameter(client: TestClient) -> None:
    client.post("/v1/events", json=[make_event("MemberRegistered")])
    bad_date = client.get("/v1/members/M-0001/status", params={"as_of": "2026-02-30"})
    assert bad_date.status_code == 422 and bad_date.json()["errors"][0]["field"] == "as_of"
    naive = client.get("/v1/members/M-0001/status", params={"as_of": "2026-01-01", "known_at": "2026-01-01T00:00:00"})
    assert naive.status_code == 422
    unknown = client.get("/v1/members/M-0001/status", params={"as_of": "2026-01-01", "edition": "nonesuch"})
    assert unknown.status_code == 404 and "nonesuch" in unknown.json()["detail"]


def test_status_under_another_edition_by_name_and_hash(client: TestClient) -> None:
    client.post("/v1/events", json=[make_event("MemberRegistered"), contribution(2026, "2025-11-01", label="p26")])
    default = client.get("/v1/members/M-0001/status", params={"as_of": "2026-06-01"}).json()
    edition_hash = default["edition"]["hash"]
    by_hash = client.get("/v1/members/M-0001/status", params={"as_of": "2026-06-01", "edition": edition_hash[:12]})
    assert by_hash.status_code == 200 and by_hash.json()["edition"] == default["edition"]


def test_status_explains_in_chinese_by_lang_or_accept_language(client: TestClient) -> None:
    """Every explanation carries its message key and params; ``lang`` / ``Accept-Language`` choose the text."""
    client.post("/v1/events", json=[make_event("MemberRegistered"), contribution(2027, "2026-11-01", label="p2027")])
    query = {"as_of": "2027-03-01"}
    english = client.get("/v1/members/M-0001/status", params=query)
    query["known_at"] = english.json()["known_at"]
    chinese = client.get("/v1/members/M-0001/status", params=query | {"lang": "zh"})
    by_header = client.get("/v1/members/M-0001/status", params=query, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert english.headers["content-language"] == "en" and chinese.headers["content-language"] == "zh"
    assert by_header.json() == chinese.json()
    waits = [
        next(item for item in document["explanations"] if item["field"] == "waiting")
        for document in (english.json(), chinese.json())
    ]
    assert waits[0]["key"] == waits[1]["key"] == "status.waiting"
    assert waits[0]["params"] == waits[1]["params"] and waits[0]["params"]["months"] == 4
    assert waits[0]["text"].startswith("waiting (gap) from 2027-01-01")
    assert waits[1]["text"].startswith("待遇等待期（断保）自2027-01-01"), waits[1]["text"]
    zh = chinese.json()
    assert zh["caps"]["basic_pool"]["label"] == "基本统筹" and "label" not in english.json()["caps"]["basic_pool"]
    assert zh["scheme"] == "resident" and zh["scheme_label"] == "城乡居民医保", "the machine word stays"
    english_again = client.get("/v1/members/M-0001/status", params=query, headers={"Accept-Language": "fr, en;q=0.5"})
    assert english_again.json()["explanations"] == english.json()["explanations"]
