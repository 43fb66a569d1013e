"""The NHSA code table and the mapping of our documents to the national platform's vocabulary."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from api.nhsa import CODE_TABLE, NHSA_CODES_FILE, scheme_of
from api.nhsa.mapping import (
    ENTRY_STATUSES,
    CategoryHeld,
    NhsaTableError,
    missing_fund_layers,
    parse_code_table,
    person_type,
    settlement_nhsa,
    status_nhsa,
)
from domain.contract import parse_event
from domain.scenario import Scenario, run_scenario
from domain.settlement import layers_of
from domain.settlement.model import LAYER_ORDER
from projections.rulebook import load_rulebook
from tests.support.events import event_id_for

RULEBOOK = load_rulebook()
#: The member schemes a rule set's scheme covers (Anshan's remote rules apply to both).
MEMBER_SCHEMES = {
    "employee": ("employee",),
    "resident": ("resident",),
    "employee_and_resident": ("employee", "resident"),
}


def _payment(member: str, region: str, scheme: str, *, amount: str = "400.00") -> dict[str, Any]:
    return {
        "event_id": event_id_for(f"{member}:pay"),
        "member_id": member,
        "type": "ContributionPaid",
        "occurred_on": "2024-11-01",
        "source": "test",
        "data": {
            "scheme": scheme,
            "region": region,
            "coverage_start": "2025-01-01",
            "coverage_end": "2025-12-31",
            "amount": amount,
            "kind": "regular",
        },
    }


def _claim(member: str, claim_id: str, *, total: str, policy: str, level: str = "level3") -> dict[str, Any]:
    out_of_scope = f"{float(total) - float(policy):.2f}"
    return {
        "event_id": event_id_for(f"{member}:{claim_id}"),
        "member_id": member,
        "type": "ClaimSubmitted",
        "occurred_on": "2025-05-10",
        "source": "test",
        "data": {
            "claim_id": claim_id,
            "setting": "inpatient",
            "admitted_on": "2025-05-01",
            "discharged_on": "2025-05-10",
            "facility_level": level,
            "location": "local",
            "total_amount": total,
            "policy_amount": policy,
            "pre_self_pay": "0.00",
            "out_of_scope": out_of_scope,
            "flags": [],
        },
    }


def _settle(events: list[dict[str, Any]], claim_id: str) -> dict[str, Any]:
    scenario = Scenario(events=events, queries=[{"claim_id": claim_id}])
    return run_scenario(scenario, RULEBOOK)[0]


# ---------------------------------------------------------------------------------------- the table


def test_the_packaged_table_parses_and_every_entry_cites_a_listed_source() -> None:
    table = parse_code_table(yaml.safe_load(NHSA_CODES_FILE.read_text(encoding="utf-8")))
    assert table == CODE_TABLE
    for layer in table.fund_layers.values():
        assert layer.status in ENTRY_STATUSES and layer.sources
        assert all(source in table.sources for source in layer.sources)
    for section in (table.insurance_types, table.regions, table.insurance_states):
        for code in section.values():
            assert code.status in ENTRY_STATUSES and set(code.sources) <= set(table.sources)


def test_every_layer_of_every_rule_set_has_a_fund_pay_type_code_for_its_scheme() -> None:
    layers_by_scheme: dict[str, set[str]] = {}
    for edition in RULEBOOK.editions.values():
        for scheme in MEMBER_SCHEMES[edition.scheme]:  # a rule set for both schemes must map for each
            layers_by_scheme.setdefault(scheme, set()).update(layers_of(edition))
    assert layers_by_scheme, "the rulebook has rule sets"
    assert missing_fund_layers(CODE_TABLE, {s: tuple(sorted(ls)) for s, ls in layers_by_scheme.items()}) == []
    assert set(CODE_TABLE.fund_layers) == set(LAYER_ORDER), "one entry per ledger layer, no stray ones"


def test_every_scheme_and_region_of_the_rulebook_has_a_platform_code() -> None:
    for edition in RULEBOOK.editions.values():
        assert all(scheme in CODE_TABLE.insurance_types for scheme in MEMBER_SCHEMES[edition.scheme]), edition.name
        assert edition.region in CODE_TABLE.regions, edition.name


def test_the_six_platform_fund_fields_are_distinct() -> None:
    fields = [layer.setlinfo_field for layer in CODE_TABLE.fund_layers.values()]
    assert sorted(fields) == sorted({"hifp_pay", "cvlserv_pay", "hifes_pay", "hifob_pay", "hifmi_pay", "maf_pay"})


def test_the_basic_pool_code_depends_on_the_scheme() -> None:
    basic = CODE_TABLE.layer("basic_pool")
    assert basic.code_for("employee").code == "310100"
    assert basic.code_for("resident").code == "390100"
    assert CODE_TABLE.layer("major_illness").code_for("resident").code == "390200"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("fund_layers", "civil_servant", "sources"), ["nowhere"], "not under sources"),
        (("fund_layers", "civil_servant", "status"), "probably", "is not one of"),
        (("fund_layers", "civil_servant", "fund_pay_type", "code"), "3201", "six-digit"),
        (("fund_layers", "basic_pool", "fund_pay_type"), {"employee": {"code": "310100", "name": "x"}}, "resident"),
        (("regions", "bazhong", "sources"), [], "at least one source"),
        (("fund_layers", "dental"), {"status": "verified"}, "dental"),
    ],
)
def test_a_broken_table_is_refused_naming_the_entry(path: tuple[str, ...], value: Any, message: str) -> None:
    source = copy.deepcopy(yaml.safe_load(NHSA_CODES_FILE.read_text(encoding="utf-8")))
    node = source
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(NhsaTableError, match=message):
        parse_code_table(source)


# ---------------------------------------------------------------------------------------- settlements


def test_a_resident_settlement_reads_as_2304_with_the_basic_pool_under_390100() -> None:
    events = [_payment("R-1", "bazhong", "resident"), _claim("R-1", "C-R1", total="4500.00", policy="4200.00")]
    document = _settle(events, "C-R1")
    claim = parse_event(events[1]).data  # type: ignore[attr-defined]
    nhsa = settlement_nhsa(document, table=CODE_TABLE, scheme=scheme_of(RULEBOOK, document), claim=claim)
    setlinfo = nhsa["setlinfo"]
    assert nhsa["infno"] == "2304"
    assert setlinfo["insutype"] == "390"
    assert setlinfo["hifp_pay"] == document["layers"]["basic_pool"]
    assert setlinfo["medfee_sumamt"] == "4500.00" and setlinfo["inscp_scp_amt"] == "4200.00"
    assert setlinfo["fulamt_ownpay_amt"] == "300.00"
    assert setlinfo["act_pay_dedc"] == document["deductible"]
    assert setlinfo["psn_part_amt"] == document["member_pays"]
    assert setlinfo["cvlserv_pay"] == setlinfo["hifob_pay"] == setlinfo["hifes_pay"] == "0.00"
    detail = {row["fund_pay_type"]: row for row in nhsa["setldetail"]}
    # The layers that paid, and a layer that paid nothing only with the text that says why (major illness under
    # its threshold); medical assistance paid nothing and has no explanation for this member: no row.
    assert set(detail) == {"390100", "390200"}
    assert detail["390200"]["fund_payamt"] == "0.00" and "threshold" in detail["390200"]["setl_proc_info"]
    assert setlinfo["acct_pay"] == "0.00" and setlinfo["psn_cash_pay"] == setlinfo["psn_part_amt"]
    assert setlinfo["oth_pay"] == "0.00" and setlinfo["balc"] == "0.00", "a resident has no personal account"
    basic = detail["390100"]
    after = document["balances_after"]["basic_pool"]
    assert basic["fund_payamt"] == document["layers"]["basic_pool"]
    assert basic["crt_payb_lmt_amt"] == after["cap"], "the first claim of the year had the whole cap"
    assert "inpatient.ratio" in basic["setl_proc_info"]


def test_an_employee_settlement_reports_supplementary_and_large_amount_fields() -> None:
    events = [
        _payment("E-1", "shenyang", "employee", amount="3600.00"),
        _claim("E-1", "C-E1", total="400000.00", policy="390000.00"),
    ]
    document = _settle(events, "C-E1")
    nhsa = settlement_nhsa(document, table=CODE_TABLE, scheme="employee")
    setlinfo = nhsa["setlinfo"]
    assert setlinfo["insutype"] == "310"
    assert "infno" not in nhsa and "inscp_scp_amt" not in setlinfo, "without the claim, no bill amounts"
    for layer, field in (("basic_pool", "hifp_pay"), ("supplementary", "hifes_pay"), ("large_amount", "hifob_pay")):
        assert setlinfo[field] == document["layers"][layer], layer
    assert document["layers"]["large_amount"] != "0.00", "the claim is past the basic-pool cap"
    codes = [row["fund_pay_type"] for row in nhsa["setldetail"]]
    assert codes[:3] == ["310100", "370100", "330100"], "settlement order: basic, supplementary, large amount"


def test_fund_fields_add_up_to_the_fund_total_for_every_synthetic_claim() -> None:
    from synthetic import generate_population

    for region in ("shenyang", "bazhong"):
        events = list(generate_population(members=4, years=1, region=region, seed=3, scheme_mix=0.5))
        claims = [e for e in events if e["type"] == "ClaimSubmitted"]
        scenario = Scenario(events=events, queries=[{"claim_id": c["data"]["claim_id"]} for c in claims])
        for claim, document in zip(claims, run_scenario(scenario, RULEBOOK), strict=True):
            nhsa = settlement_nhsa(document, table=CODE_TABLE, scheme=scheme_of(RULEBOOK, document))
            funds = sum(
                int(nhsa["setlinfo"][entry.setlinfo_field].replace(".", ""))
                for entry in CODE_TABLE.fund_layers.values()
            )
            assert funds == int(nhsa["setlinfo"]["fund_pay_sumamt"].replace(".", "")), claim["data"]["claim_id"]
            assert nhsa["setlinfo"]["fund_pay_sumamt"] == document["fund_total"]


# ---------------------------------------------------------------------------------------- status


def _status(events: list[dict[str, Any]], member: str, as_of: str) -> dict[str, Any]:
    return run_scenario(Scenario(events=events, queries=[{"member_id": member, "as_of": as_of}]), RULEBOOK)[0]


def test_an_insured_resident_reads_as_1101_with_balances_under_fund_codes() -> None:
    events = [_payment("R-2", "bazhong", "resident"), _claim("R-2", "C-R2", total="4500.00", policy="4200.00")]
    document = _status(events, "R-2", "2025-06-01")
    nhsa = status_nhsa(document, table=CODE_TABLE)
    assert nhsa["infno"] == "1101" and nhsa["baseinfo"] == {"psn_no": "R-2"}
    assert nhsa["insuinfo"] == [
        {
            "balc": "0.00",  # a resident has no personal account
            "insutype": "390",
            "psn_type": None,  # no birth date and no resident category given: no code can be chosen
            "psn_type_name": "城乡居民",
            "psn_insu_stas": "1",
            "psn_insu_date": "2025-01-01",
            "insuplc_admdvs": "511900",
        }
    ]
    balances = {row["ledger_balance"]: row for row in nhsa["fund_balances"]}
    assert balances["basic_pool"]["fund_pay_type"] == "390100"
    assert balances["basic_pool"]["used"] == document["caps"]["basic_pool"]["used"]
    assert balances["major_illness"]["fund_pay_type"] == "390200"


def test_a_member_without_coverage_on_the_date_reads_as_not_insured() -> None:
    document = _status([_payment("R-3", "bazhong", "resident")], "R-3", "2026-06-01")
    nhsa = status_nhsa(document, table=CODE_TABLE)
    assert nhsa["insuinfo"][0]["psn_insu_stas"] == "4"
    assert nhsa["ledger"]["benefits_active"] is False


def test_an_employee_inside_the_arrears_grace_reads_as_insured_from_the_spell_start() -> None:
    """Paid for May on May 15 (Shenyang): on June 10, June not yet paid, the spell — and so 参保 — goes on."""
    may = {
        "event_id": "00000000-0000-0000-0000-0000000000e1",
        "member_id": "E-1",
        "type": "ContributionPaid",
        "occurred_on": "2025-05-15",
        "data": {
            "scheme": "employee",
            "region": "shenyang",
            "coverage_start": "2025-05-01",
            "coverage_end": "2025-05-31",
            "amount": "300.00",
            "kind": "regular",
        },
    }
    nhsa = status_nhsa(_status([may], "E-1", "2025-06-10"), table=CODE_TABLE)
    assert nhsa["insuinfo"][0]["psn_insu_stas"] == "1" and nhsa["insuinfo"][0]["psn_insu_date"] == "2025-05-01"
    assert nhsa["ledger"]["benefits_active"] is True and nhsa["ledger"]["benefits_start"] == "2025-06-01"
    # June is due by the end of July (readings.employee_contribution_due): unpaid from then, stop from August.
    assert nhsa["ledger"]["spell"]["covered_until"] == "2025-08-01"


# ---------------------------------------------------------------------------------------- person type (人员类别)


def _certified(member: str, category: str) -> dict[str, Any]:
    return {
        "event_id": event_id_for(f"{member}:{category}"),
        "member_id": member,
        "type": "CategoryCertified",
        "occurred_on": "2025-01-01",
        "source": "test",
        "data": {"category": category, "valid_from": "2025-01-01", "valid_to": None},
    }


def _held(*categories: str) -> list[CategoryHeld]:
    return [CategoryHeld(category=c, valid_from="2025-01-01", valid_to=None) for c in categories]


@pytest.mark.parametrize(
    ("scheme", "categories", "age", "code", "name"),
    [
        ("employee", (), 40, "1101", "职工在职"),
        ("employee", ("civil_servant",), 40, "1102", "公务员在职"),
        ("employee", ("flexible",), 40, "1103", "灵活就业人员在职"),
        ("employee", ("retired",), 62, "1201", "职工退休"),
        ("employee", ("retired", "civil_servant"), 62, "1202", "公务员退休"),
        ("employee", ("retired", "flexible"), 62, "1203", "灵活就业人员退休"),
        ("resident", ("newborn", "minor"), 0, "1401", "新生儿"),
        ("resident", ("student",), 12, "1403", "中小学生"),
        ("resident", ("university_student", "student"), 19, "1404", "大学生"),
        ("resident", ("minor",), 15, "1405", "未成年（未入学）"),
        ("resident", ("adult",), 30, "1501", "普通居民（成年）"),
        ("resident", ("minimum_living",), 70, "1501", "普通居民（成年）"),  # 18 and over by birth date
        ("resident", (), 17, "14", "居民（未成年）"),  # under 18, schooling unknown: the group code
        ("resident", (), 18, "1501", "普通居民（成年）"),
    ],
)
def test_psn_type_follows_scheme_retirement_categories_and_age(
    scheme: str, categories: tuple[str, ...], age: int, code: str, name: str
) -> None:
    member = f"P-{scheme}-{'-'.join(categories) or 'none'}-{age}"
    region = "shenyang" if scheme == "employee" else "bazhong"
    events = [_payment(member, region, scheme)] + [_certified(member, c) for c in categories]
    document = _status(events, member, "2025-06-01")
    insuinfo = status_nhsa(document, table=CODE_TABLE, categories=_held(*categories), age=age)["insuinfo"]
    assert (insuinfo[0]["psn_type"], insuinfo[0]["psn_type_name"]) == (code, name)


def test_retiree_benefits_started_make_an_employee_retired_without_a_certified_category() -> None:
    """``contribution_years.retiree_benefits_from`` (a RetirementReached with no shortfall left) on or
    before as_of is retirement; after as_of the member is still in service."""
    document = _status([_payment("E-R", "shenyang", "employee")], "E-R", "2025-06-01")
    assert person_type(document, []) == "employee_in_service"
    years = dict(document["contribution_years"] or {})
    for start, expected in (("2025-06-01", "employee_retired"), ("2025-07-01", "employee_in_service")):
        retiring = document | {"contribution_years": years | {"retiree_benefits_from": start}}
        assert person_type(retiring, []) == expected, start
    assert person_type(document | {"contribution_years": None}, _held("flexible")) == "employee_flexible_in_service"


def test_every_person_type_the_mapping_can_choose_is_in_the_table_with_a_cited_code() -> None:
    document = _status([_payment("E-T", "shenyang", "employee")], "E-T", "2025-06-01")
    chosen: set[str] = set()
    categories = ("retired", "civil_servant", "flexible", "newborn", "student", "university_student", "minor", "adult")
    for scheme in ("employee", "resident"):
        for category in (None, *categories):
            for retired_category in (None, "retired"):
                held = _held(*(c for c in (category, retired_category) if c is not None))
                for age in (None, 5, 40):
                    kind = person_type(document | {"scheme": scheme}, held, age)
                    assert kind is not None
                    chosen.add(kind)
    assert chosen == set(CODE_TABLE.person_types), "every entry is reachable and every choice has an entry"
    for kind in chosen - {"resident"}:
        entry = CODE_TABLE.person_types[kind]
        assert entry["code"] is not None and entry["code"].isdigit(), kind
        assert "enum-rylb" in entry["sources"], kind
    assert person_type(document | {"scheme": None}, []) is None
