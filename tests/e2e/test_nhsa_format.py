"""``?format=nhsa``: settlements and status in the national platform's vocabulary, over HTTP."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from domain.money import parse_yuan
from tests.golden import assert_golden
from tests.support.events import make_event

KNOWN_AT = "2030-01-01T00:00:00Z"


def resident_paid_for_2025(client: TestClient) -> None:
    payment = make_event("ContributionPaid") | {"occurred_on": "2024-11-01"}
    assert client.post("/v1/events", json=[make_event("MemberRegistered"), payment]).status_code == 200


def shenyang_employee_paid_for_2025(client: TestClient, member: str = "E-0001") -> None:
    registered = make_event("MemberRegistered", member_id=member, region="shenyang")
    payment = make_event(
        "ContributionPaid", member_id=member, scheme="employee", region="shenyang", amount="3600.00"
    ) | {"occurred_on": "2024-12-20"}
    assert client.post("/v1/events", json=[registered, payment]).status_code == 200


def big_inpatient_claim(member: str) -> dict[str, Any]:
    """A level-3 stay past the employee basic-pool cap: supplementary and large-amount layers pay too."""
    return make_event(
        "ClaimSubmitted",
        member_id=member,
        claim_id="C-BIG",
        facility_level="level3",
        total_amount="400000.00",
        policy_amount="390000.00",
        out_of_scope="10000.00",
    )


def test_a_claim_answers_in_2304_fields_and_the_default_answer_is_unchanged(client: TestClient) -> None:
    resident_paid_for_2025(client)
    claim = make_event("ClaimSubmitted")  # 张三: 002 ch.1 四十三
    nhsa = client.post("/v1/claims", params={"format": "nhsa"}, json=claim)
    assert nhsa.status_code == 201, nhsa.text
    body = nhsa.json()
    assert body["infno"] == "2304"
    assert body["setlinfo"]["hifp_pay"] == "3690.00" and body["setlinfo"]["psn_part_amt"] == "810.00"
    assert body["setldetail"][0]["fund_pay_type"] == "390100"
    assert_golden("nhsa_settlement_bazhong_resident.json", body)
    ours = client.post("/v1/claims", json=claim)
    assert ours.status_code == 200, "a re-post answers the recorded decision"
    assert ours.json()["layers"] == {"basic_pool": "3690.00", "major_illness": "0.00", "medical_assistance": "0.00"}
    assert client.post("/v1/claims", params={"format": "ledger"}, json=claim).json() == ours.json()
    again = client.post("/v1/claims", params={"format": "nhsa"}, json=claim)
    assert again.status_code == 200 and again.json() == body, "the recorded decision, in the same vocabulary"


def test_an_employee_claim_past_the_cap_fills_the_supplementary_and_large_amount_fields(client: TestClient) -> None:
    shenyang_employee_paid_for_2025(client)
    body = client.post("/v1/claims", params={"format": "nhsa"}, json=big_inpatient_claim("E-0001")).json()
    setlinfo = body["setlinfo"]
    assert setlinfo["insutype"] == "310"
    assert setlinfo["hifob_pay"] != "0.00" and setlinfo["hifes_pay"] != "0.00"
    assert [row["fund_pay_type"] for row in body["setldetail"]][:3] == ["310100", "370100", "330100"]
    details = {row["fund_pay_type"]: row for row in body["setldetail"]}
    assert details["330100"]["fund_payamt"] == setlinfo["hifob_pay"]
    assert "large_amount.annual_cap" in details["330100"]["setl_proc_info"], "the figure cites its parameters"


def test_status_answers_in_1101_fields_and_the_default_answer_is_unchanged(client: TestClient) -> None:
    resident_paid_for_2025(client)
    assert client.post("/v1/claims", json=make_event("ClaimSubmitted")).status_code == 201
    params = {"as_of": "2025-06-01", "known_at": KNOWN_AT}
    nhsa = client.get("/v1/members/M-0001/status", params=params | {"format": "nhsa"})
    assert nhsa.status_code == 200, nhsa.text
    body = nhsa.json()
    assert body["insuinfo"] == [
        {
            "balc": "0.00",  # a resident has no personal account
            "insutype": "390",
            "psn_type": "1501",  # born 1980-05-06: an adult resident on 2025-06-01, no resident category
            "psn_type_name": "普通居民（成年）",
            "psn_insu_stas": "1",
            "psn_insu_date": "2025-01-01",
            "insuplc_admdvs": "511900",
        }
    ]
    assert body["idetinfo"] == []
    assert {row["fund_pay_type"] for row in body["fund_balances"]} == {"390100", "390200"}
    assert_golden("nhsa_status_bazhong_resident.json", body)
    ours = client.get("/v1/members/M-0001/status", params=params).json()
    assert ours["status_version"] == 1 and "caps" in ours
    assert client.get("/v1/members/M-0001/status", params=params | {"format": "ledger"}).json() == ours


def test_an_unknown_format_is_refused(client: TestClient) -> None:
    resident_paid_for_2025(client)
    response = client.get("/v1/members/M-0001/status", params={"format": "hl7v2"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "format"


def test_the_account_pays_part_of_the_member_share_and_the_cash_is_the_rest(client: TestClient) -> None:
    shenyang_employee_paid_for_2025(client)
    base = make_event("ContributionBaseDeclared", member_id="E-0001")  # 6000.00 a month from 2025-01-01
    assert client.post("/v1/events", json=[base]).status_code == 200
    claim = big_inpatient_claim("E-0001")
    first = client.post("/v1/claims", params={"format": "nhsa"}, json=claim).json()["setlinfo"]
    assert first["acct_pay"] == "0.00" and first["psn_cash_pay"] == first["psn_part_amt"], (
        "nothing from the account yet"
    )
    assert first["oth_pay"] == "0.00"
    status = client.get("/v1/members/E-0001/status", params={"as_of": "2025-12-31", "known_at": KNOWN_AT}).json()
    balance = status["personal_account"]["balance"]
    assert balance != "0.00", "the employee's account was credited from the 2025 contributions"
    spend = make_event(
        "PersonalAccountSpent",
        member_id="E-0001",
        label="E-0001:acct-C-BIG",
        purpose="settlement_share",
        claim_id="C-BIG",
        amount="100.00",
    ) | {"occurred_on": "2025-06-01"}
    assert client.post("/v1/events", json=[spend]).status_code == 200, "the account pays 100.00 of the share"
    again = client.post("/v1/claims", params={"format": "nhsa"}, json=claim).json()["setlinfo"]
    assert again["acct_pay"] == "100.00"
    # psn_part_amt = acct_pay + psn_cash_pay (2207: 个人负担总金额 = 个人账户支出 + 个人现金支出)
    assert parse_yuan(again["psn_cash_pay"]) == parse_yuan(again["psn_part_amt"]) - 100_00
    assert parse_yuan(again["balc"]) >= 0
    enveloped = client.post("/v1/claims", params={"format": "nhsa", "envelope": "true"}, json=claim).json()
    assert enveloped["infcode"] == 0 and enveloped["err_msg"] == ""
    assert enveloped["output"]["setlinfo"] == again


def test_a_certified_category_is_an_idetinfo_row_and_the_envelope_wraps_1101(client: TestClient) -> None:
    resident_paid_for_2025(client)
    certified = make_event(
        "CategoryCertified",
        member_id="M-0001",
        category="minimum_living",
        valid_from="2025-01-01",
        valid_to="2025-12-31",
    ) | {"occurred_on": "2025-01-01"}
    assert client.post("/v1/events", json=[certified]).status_code == 200
    params = {"as_of": "2025-06-01", "known_at": KNOWN_AT, "format": "nhsa", "envelope": "true"}
    answer = client.get("/v1/members/M-0001/status", params=params).json()
    assert answer["infcode"] == 0 and answer["err_msg"] == ""
    assert answer["output"]["idetinfo"] == [
        {
            "psn_idet_type": None,
            "psn_idet_type_name": "低保对象",
            "ledger_category": "minimum_living",
            "begntime": "2025-01-01 00:00:00",
            "endtime": "2025-12-31 23:59:59",
        }
    ]
    assert answer["output"]["insuinfo"][0]["psn_type"] == "1501", "低保 is an identity, not a person type"


def test_psn_type_is_the_employees_retirement_and_the_residents_category_over_http(client: TestClient) -> None:
    shenyang_employee_paid_for_2025(client)
    params = {"as_of": "2025-06-01", "known_at": KNOWN_AT, "format": "nhsa"}

    def insuinfo(member: str) -> tuple[str, str]:
        body = client.get(f"/v1/members/{member}/status", params=params).json()
        return body["insuinfo"][0]["psn_type"], body["insuinfo"][0]["psn_type_name"]

    assert insuinfo("E-0001") == ("1101", "职工在职")
    retired = make_event("CategoryCertified", member_id="E-0001", category="retired", valid_from="2025-03-01")
    assert client.post("/v1/events", json=[retired | {"occurred_on": "2025-03-01"}]).status_code == 200
    assert insuinfo("E-0001") == ("1201", "职工退休")

    child = make_event("MemberRegistered", member_id="R-CHILD", birth_date="2014-03-02")
    payment = make_event("ContributionPaid", member_id="R-CHILD") | {"occurred_on": "2024-11-01"}
    assert client.post("/v1/events", json=[child, payment]).status_code == 200
    assert insuinfo("R-CHILD") == ("14", "居民（未成年）"), "11 years old, schooling not certified: the group code"
    pupil = make_event("CategoryCertified", member_id="R-CHILD", category="student", valid_from="2025-01-01")
    assert client.post("/v1/events", json=[pupil | {"occurred_on": "2025-01-01"}]).status_code == 200
    assert insuinfo("R-CHILD") == ("1403", "中小学生")


def test_setldetail_has_no_silent_zero_rows(client: TestClient) -> None:
    resident_paid_for_2025(client)
    body = client.post("/v1/claims", params={"format": "nhsa"}, json=make_event("ClaimSubmitted")).json()
    for row in body["setldetail"]:
        assert row["fund_payamt"] != "0.00" or row["setl_proc_info"], f"a zero row says why: {row}"
