"""Employee accounts from the seeds: personal account, family mutual aid, contribution years, maternity allowance.

The parameters are checked against the seed text; the fold is checked on the rules the scenario files
cannot show (interest from a rule set that gives a rate, explanations citing their parameters, the
bitemporal view of a refused transfer).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, uuid5

import yaml

from domain.contract import parse_batch
from domain.entitlements.fold import MemberLedger, edition_finder, fold_member
from domain.entitlements.status import status_document
from domain.scenario import recorded
from projections.rulebook import Rulebook
from tests.rules.conftest import ON_2025, fen, pct

CLOSE_RELATIVES = (
    "spouse",  # 配偶
    "parent",  # 父母
    "child",  # 子女
    "sibling",  # 兄弟姐妹
    "grandparent",  # 祖父母
    "maternal_grandparent",  # 外祖父母
    "grandchild",  # 孙子女
    "maternal_grandchild",  # 外孙子女
)
RULE_SETS = Path(__file__).resolve().parents[2] / "domain" / "policies" / "rulesets"


def test_000_and_002_close_relatives_are_the_eight_listed(rulebook: Rulebook) -> None:
    """000 个人账户资金使用 and 002 ch.2 二十五问 list the same eight relationships."""
    for name in ("shenyang-employee", "bazhong-employee"):
        assert rulebook[name].value("family_aid.close_relatives", ON_2025) == CLOSE_RELATIVES


def test_shenyang_aid_stays_in_the_province_bazhong_crosses_through_the_wallet(rulebook: Rulebook) -> None:
    """辽医保〔2024〕30号 (省内跨统筹区家庭共济); 002 ch.1 三十四 – 三十八 (医保钱包 跨省共济)."""
    assert rulebook["shenyang-employee"].value("family_aid.cross_province_channels", ON_2025) == ()
    assert rulebook["bazhong-employee"].value("family_aid.cross_province_channels", ON_2025) == ("wallet",)
    assert "wallet_transfer" not in rulebook["shenyang-employee"].value("family_aid.purposes", ON_2025)  # type: ignore[operator]


def test_002_payout_on_termination_or_death_and_top_up_not_credited(rulebook: Rulebook) -> None:
    """002 ch.2 二十六问 (两种情况); 二十问 (7 %, 补缴部分不计个人账户)."""
    bazhong = rulebook["bazhong-employee"]
    assert bazhong.value("personal_account.payout_reasons", ON_2025) == ("voluntary_termination", "death")
    assert bazhong.value("contribution.retirement_top_up_rate", ON_2025) == pct("7%")
    assert bazhong.value("retirement.top_up_credits_account", ON_2025) is False
    assert bazhong.value("contribution_years.local_deemed_bases", ON_2025) == ("military_service",)


def test_000_minimum_years_before_the_rise_are_25(rulebook: Rulebook) -> None:
    """000 缴费年限 1: 最低年限为满25年, men rising from 2024."""
    years = rulebook["shenyang-employee"].value("retirement.minimum_years_total", date(2023, 6, 1))
    assert (years.cell("male"), years.cell("female")) == (25, 25)  # type: ignore[union-attr]


def test_000_maternity_allowance_paid_monthly_from_2025_07_and_net_of_unemployment_benefit(rulebook: Rulebook) -> None:
    """000 生育保险待遇 2 生育待遇 9, 11."""
    shenyang = rulebook["shenyang-employee"]
    assert shenyang.value("maternity.allowance_payment", date(2025, 6, 30)) == "lump_sum_to_employer"
    assert shenyang.value("maternity.allowance_payment", date(2025, 7, 1)) == "monthly_to_member"
    assert shenyang.value("maternity.allowance_net_of_unemployment_benefit", ON_2025) is True
    assert shenyang.value("maternity.out_of_plan_allowance_from", ON_2025) == date(2021, 6, 1)


def test_002_two_kinds_qualify_on_12_months_with_the_2025_transition(rulebook: Rulebook) -> None:
    """002 ch.2 十五问, 十六问: 12 months; in 2025 deferred, from 2026 strict; 98 days for 顺产一胎."""
    bazhong = rulebook["bazhong-employee"]
    assert bazhong.value("maternity.flexible_allowance_min_paid_months", ON_2025) == 12
    assert bazhong.value("maternity.flexible_deferred_qualification", date(2025, 12, 31)) is True
    assert bazhong.value("maternity.flexible_deferred_qualification", date(2026, 1, 1)) is False
    assert bazhong.value("maternity.allowance_days", ON_2025).cell("natural_single") == 98  # type: ignore[union-attr]


def _events(raw: Sequence[tuple[str, str, dict[str, Any], str | None]]) -> list[Any]:
    items = []
    for position, (event_type, day, data, recorded_at) in enumerate(raw):
        item: dict[str, Any] = {
            "event_id": str(uuid5(NAMESPACE_URL, f"urn:test-accounts:{position}")),
            "member_id": "A-1",
            "type": event_type,
            "occurred_on": day,
            "data": data,
        }
        if recorded_at:
            item["recorded_at"] = recorded_at
        items.append(item)
    return [recorded(event, position) for position, event in enumerate(parse_batch(items))]


def _fold(events: list[Any], rulebook: Rulebook, as_of: date, known_at: datetime, **editions: Any) -> MemberLedger:
    finder = edition_finder(rulebook, editions.get("override"))
    return fold_member(events, member_id="A-1", as_of=as_of, known_at=known_at, edition_for=finder)


SHENYANG_HISTORY = [
    ("MemberRegistered", "2024-12-01", {"region": "shenyang", "birth_date": "1985-01-01", "sex": "F"}, None),
    (
        "ContributionBaseDeclared",
        "2024-12-01",
        {"kind": "contribution_base", "monthly_base": "5000.00", "valid_from": "2025-01-01"},
        None,
    ),
    (
        "ContributionPaid",
        "2024-12-20",
        {
            "scheme": "employee",
            "region": "shenyang",
            "coverage_start": "2025-01-01",
            "coverage_end": "2025-12-31",
            "amount": "3600.00",
            "kind": "regular",
        },
        None,
    ),
]
LATER = datetime(2030, 1, 1, tzinfo=UTC)


def test_interest_is_credited_at_year_end_where_the_rule_set_gives_a_rate(rulebook: Rulebook) -> None:
    source = yaml.safe_load((RULE_SETS / "shenyang-employee.yaml").read_text(encoding="utf-8"))
    source["parameters"]["personal_account.annual_interest_rate"] = {
        "values": [
            {
                "from": "2024-01-01",
                "value": "0.015",
                "reference": {"document": "syyb-2023-19", "section": "000 个人账户构成及划账比例 3 (what-if rate)"},
                "assumption": True,
            }
        ]
    }
    with_rate = rulebook.alternative_from_source(source, file_name="shenyang-employee-interest.yaml")
    events = _events(SHENYANG_HISTORY)
    plain = _fold(events, rulebook, date(2026, 1, 31), LATER).personal_account
    assert plain is not None and plain.balance_fen == 12 * 10_000
    account = _fold(events, rulebook, date(2026, 1, 31), LATER, override=with_rate).personal_account
    assert account is not None
    interest = [m for m in account.movements if m.kind == "interest"]
    assert [(m.on, m.amount_fen) for m in interest] == [(date(2025, 12, 31), 1_800)]  # 1,200.00 × 1.5 %
    assert account.balance_fen == 121_800


def test_every_movement_explanation_cites_its_parameters(rulebook: Rulebook) -> None:
    events = _events(SHENYANG_HISTORY)
    document = status_document(_fold(events, rulebook, date(2025, 3, 1), LATER))
    [accrual] = [e for e in document["explanations"] if e["field"] == "personal_account.movements[0]"]
    names = {p["name"] for p in accrual["parameters"]}
    assert names == {"personal_account.in_service_rate", "personal_account.accrual_on"}
    rate = next(p for p in accrual["parameters"] if p["name"] == "personal_account.in_service_rate")
    assert rate["value"] == "0.02" and "个人账户构成及划账比例" in str(rate["reference"])
    timing = next(p for p in accrual["parameters"] if p["name"] == "personal_account.accrual_on")
    assert timing.get("assumption") is True
    assert document["personal_account"]["balance"] == "300.00"
    assert document["personal_account"]["known_at"] == "2030-01-01T00:00:00Z"


def test_a_refused_transfer_becomes_valid_once_an_earlier_credit_is_known(rulebook: Rulebook) -> None:
    """Refusals are decided by the fold, bitemporally: the contract cannot know the balance at ingest."""
    history = [
        ("MemberRegistered", "2024-12-01", {"region": "shenyang", "birth_date": "1985-01-01", "sex": "F"}, None),
        ("RelativeBound", "2025-01-05", {"relative_member_id": "A-2", "relationship": "child"}, None),
        (
            "FamilyAidTransferred",
            "2025-03-01",
            {"relative_member_id": "A-2", "amount": "100.00", "purpose": "resident_contribution"},
            "2025-03-01T00:00:00Z",
        ),
        # Recorded late: the base and the payment, both effective before the transfer.
        (
            "ContributionBaseDeclared",
            "2025-01-01",
            {"kind": "contribution_base", "monthly_base": "5000.00", "valid_from": "2025-01-01"},
            "2025-04-01T00:00:00Z",
        ),
        (
            "ContributionPaid",
            "2025-01-10",
            {
                "scheme": "employee",
                "region": "shenyang",
                "coverage_start": "2025-01-01",
                "coverage_end": "2025-12-31",
                "amount": "3600.00",
                "kind": "regular",
            },
            "2025-04-01T00:00:00Z",
        ),
    ]
    events = _events(history)
    before = _fold(events, rulebook, date(2025, 6, 1), datetime(2025, 3, 15, tzinfo=UTC)).personal_account
    after = _fold(events, rulebook, date(2025, 6, 1), datetime(2025, 4, 2, tzinfo=UTC)).personal_account
    assert before is not None and after is not None
    assert [r.reason.render() for r in before.refused] == ["balance 0.00 is less than the amount"]
    assert before.balance_fen == 0
    assert after.refused == [] and after.balance_fen == fen("600") - fen("100")
