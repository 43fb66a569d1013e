"""POST /v1/claims end to end: settle, record the decision once, answer a re-post unchanged."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.events import make_event


def setup_member(client: TestClient) -> None:
    payment = make_event("ContributionPaid") | {"occurred_on": "2024-11-01"}
    assert client.post("/v1/events", json=[make_event("MemberRegistered"), payment]).status_code == 200


def test_a_claim_is_settled_and_its_decision_recorded_once(client: TestClient) -> None:
    setup_member(client)
    claim = make_event("ClaimSubmitted")  # 张三: 002 ch.1 四十三
    first = client.post("/v1/claims", json=claim)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["status"] == "settled"
    assert body["layers"] == {"basic_pool": "3690.00", "major_illness": "0.00", "medical_assistance": "0.00"}
    assert body["member_pays"] == "810.00"
    assert body["balances_after"]["basic_pool"] == {"cap": "110000.00", "used": "3690.00", "remaining": "106310.00"}
    assert body["edition"]["name"] == "bazhong-resident"
    used = {p["name"] for item in body["explanations"] for p in item["parameters"]}
    assert {"inpatient.deductible", "inpatient.ratio", "basic_pool.annual_cap"} <= used
    again = client.post("/v1/claims", json=claim)
    assert again.status_code == 200
    assert again.json() == body, "a re-post returns the recorded decision unchanged"
    assert client.get("/v1/members/M-0001/events").json()["total"] == 3


def test_a_claim_in_a_waiting_period_pays_nothing_with_the_reason(client: TestClient) -> None:
    late = make_event("ContributionPaid") | {"occurred_on": "2025-04-01"}  # paid after the central window
    client.post("/v1/events", json=[make_event("MemberRegistered"), late])
    claim = make_event("ClaimSubmitted")  # admitted 2025-05-01, inside the 3-month wait
    body = client.post("/v1/claims", json=claim).json()
    assert body["status"] == "rejected"
    assert body["fund_total"] == "0.00" and body["member_pays"] == "4500.00"
    assert set(body["layers"].values()) == {"0.00"}
    assert "waiting period" in body["reasons"][0]
    assert body["reason_messages"][0]["key"] == "reason.waiting"
    # The recorded decision answers again in Chinese: texts from the same keys, the machine words kept.
    chinese = client.post("/v1/claims", json=claim, headers={"Accept-Language": "zh-CN"})
    assert chinese.status_code == 200 and chinese.headers["content-language"] == "zh"
    zh = chinese.json()
    assert zh["status"] == "rejected" and zh["status_label"] == "不予支付"
    waiting = "2025-05-01入院，处于待遇等待期（集中参保期外参保），等待期至2025-07-01结束"
    assert zh["reasons"] == [waiting], zh["reasons"]
    assert zh["layer_labels"]["basic_pool"] == "基本统筹" and zh["layers"] == body["layers"]


def test_a_settled_claim_explains_each_layer_in_chinese_on_request(client: TestClient) -> None:
    setup_member(client)
    body = client.post("/v1/claims", params={"lang": "zh"}, json=make_event("ClaimSubmitted")).json()
    basic = [item for item in body["explanations"] if item["field"] == "layers.basic_pool"]
    assert basic and basic[0]["key"] == "list.joined"
    assert "住院" in basic[0]["text"] and "起付标准" in basic[0]["text"], basic[0]["text"]
    assert body["balances_after"]["basic_pool"]["label"] == "基本统筹"
    english = client.post("/v1/claims", json=make_event("ClaimSubmitted")).json()
    assert english["explanations"][0]["params"] == body["explanations"][0]["params"]
    assert "label" not in english["balances_after"]["basic_pool"]


def test_only_claims_are_accepted_and_bad_claims_name_the_field(client: TestClient) -> None:
    wrong = client.post("/v1/claims", json=make_event("MemberRegistered"))
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "type"
    bad = client.post("/v1/claims", json=make_event("ClaimSubmitted", policy_amount="1.234"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "data.policy_amount"
    assert client.get("/v1/members/M-0001/events").status_code == 404
