"""Remote admissions and the repeat-admission reduction (hypothesis), Shenyang employees.

000 异地医疗待遇 异地就医待遇 2 (readings.remote_admission_deductible): a remote admission pays the
full deductible of its row (× the remote factor), never the reduced one; yet every admission, remote
or local, counts for the reduction of later local ones (000 市内住院待遇 注2: 100 %, 85 %, then 70 %).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.money import fen_times_ratio, parse_yuan
from domain.scenario import Scenario, run_scenario
from projections.rulebook import load_rulebook
from tests.support.events import event_id_for

RULEBOOK = load_rulebook()
ROW_FEN = 60_000  # level 3, in service (000 市内住院待遇)
#: Remote factor of each location: long-term with a filing 1, temporary 2.5, emergency 2 (readings).
FACTORS = {"remote_long_term": Decimal(1), "remote_temporary_other": Decimal("2.5"), "remote_emergency": Decimal(2)}
LOCAL_SHARES = [Decimal(1), Decimal("0.85"), Decimal("0.70")]


def history(locations: list[str]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [
        {
            "event_id": event_id_for("paid"),
            "member_id": "M-1",
            "type": "ContributionPaid",
            "occurred_on": "2024-12-20",
            "data": {
                "scheme": "employee",
                "region": "shenyang",
                "coverage_start": "2025-01-01",
                "coverage_end": "2025-12-31",
                "amount": "3600",
                "kind": "regular",
            },
        },
        {
            "event_id": event_id_for("filed"),
            "member_id": "M-1",
            "type": "RemoteCareFiled",
            "occurred_on": "2025-01-02",
            "data": {"kind": "long_term", "valid_from": "2025-01-02", "place": "海南省三亚市"},
        },
    ]
    for index, location in enumerate(locations):
        month = index + 2
        events.append(
            {
                "event_id": event_id_for(f"claim-{index}"),
                "member_id": "M-1",
                "type": "ClaimSubmitted",
                "occurred_on": f"2025-{month:02d}-10",
                "data": {
                    "claim_id": f"C-{index}",
                    "setting": "inpatient",
                    "admitted_on": f"2025-{month:02d}-01",
                    "discharged_on": f"2025-{month:02d}-10",
                    "facility_level": "level3",
                    "location": location,
                    "total_amount": "20000",
                    "policy_amount": "20000",
                    "pre_self_pay": "0",
                    "out_of_scope": "0",
                    "flags": [],
                },
            }
        )
    return events


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["local", *FACTORS]), min_size=1, max_size=6))
def test_remote_admissions_pay_the_full_deductible_and_count_for_later_local_ones(locations: list[str]) -> None:
    queries = [{"claim_id": f"C-{index}"} for index in range(len(locations))]
    answers = run_scenario(Scenario.model_validate({"events": history(locations), "queries": queries}), RULEBOOK)
    for ordinal, (location, answer) in enumerate(zip(locations, answers, strict=True), start=1):
        if location == "local":
            expected = fen_times_ratio(ROW_FEN, LOCAL_SHARES[min(ordinal, 3) - 1])
        else:
            expected = fen_times_ratio(ROW_FEN, FACTORS[location])
        assert parse_yuan(answer["deductible"]) == expected, (ordinal, location, answer["explanations"])
