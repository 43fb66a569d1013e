"""Synthetic populations (synthetic): contract-valid, reproducible, streamed, realistic, foldable."""

from __future__ import annotations

import inspect
import itertools
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from api.cli.main import app as ledger_app
from domain.contract import BATCH_EVENTS_MAX, parse_batch
from domain.entitlements.fold import edition_finder, fold_member
from domain.entitlements.status import status_document
from domain.member_stream import RecordedEvent
from domain.policies import Edition
from domain.scenario import recorded
from projections.rulebook import load_rulebook
from synthetic import generate_population, json_line
from synthetic.rules import region_rules

Event = dict[str, Any]


@pytest.fixture(scope="module")
def rulebook() -> Mapping[str, Edition]:
    return load_rulebook()


@pytest.fixture(scope="module")
def populations(rulebook: Mapping[str, Edition]) -> dict[str, list[Event]]:
    """A few thousand members of each region over five years: enough for every kind of history to occur."""
    return {
        region: list(generate_population(members=1200, years=5, region=region, seed=11, editions=rulebook))
        for region in ("shenyang", "bazhong")
    }


def lines(rulebook: Mapping[str, Edition], **arguments: Any) -> list[str]:
    return [json_line(event) for event in generate_population(editions=rulebook, **arguments)]


def test_every_generated_event_passes_the_contract_in_batches(populations: dict[str, list[Event]]) -> None:
    for events in populations.values():
        for start in range(0, len(events), BATCH_EVENTS_MAX):
            parse_batch(events[start : start + BATCH_EVENTS_MAX])  # raises InvalidEvents naming the field


def test_members_stream_in_number_order_each_in_effective_date_order(populations: dict[str, list[Event]]) -> None:
    events = populations["bazhong"]
    member_ids = [member_id for member_id, _ in itertools.groupby(e["member_id"] for e in events)]
    assert member_ids == sorted(member_ids) == [f"BZ-{n:06d}" for n in range(1, 1201)]
    for _, member in itertools.groupby(events, key=lambda e: e["member_id"]):
        days = [e["occurred_on"] for e in member]
        assert days == sorted(days)
    claims = [e for e in events if e["type"] == "ClaimSubmitted"]
    assert all(e["occurred_on"] == e["data"]["discharged_on"] for e in claims)
    assert all("recorded_at" not in e for e in events)


def test_the_same_arguments_give_byte_identical_output_and_another_seed_does_not(
    rulebook: Mapping[str, Edition],
) -> None:
    arguments = {"members": 60, "years": 3, "region": "shenyang", "seed": 5}
    first = lines(rulebook, **arguments)
    assert first == lines(rulebook, **arguments)
    assert first != lines(rulebook, **(arguments | {"seed": 6}))
    event_ids = [e["event_id"] for e in generate_population(editions=rulebook, **arguments)]
    assert len(set(event_ids)) == len(event_ids)


def test_a_partition_generated_alone_equals_the_same_members_of_the_whole(rulebook: Mapping[str, Edition]) -> None:
    whole = lines(rulebook, members=40, years=2, region="bazhong", seed=3)
    tail = lines(rulebook, members=15, years=2, region="bazhong", seed=3, first_member=26)
    assert whole[-len(tail) :] == tail
    assert '"member_id":"BZ-000026"' in tail[0]


def test_recorded_at_is_the_occurred_day_at_midnight_utc_when_asked(rulebook: Mapping[str, Edition]) -> None:
    events = list(
        generate_population(
            members=5, years=1, region="bazhong", seed=1, start_year=2025, recorded_at_occurred=True, editions=rulebook
        )
    )
    assert all(e["recorded_at"] == f"{e['occurred_on']}T00:00:00Z" for e in events)
    parse_batch(events)


def test_a_million_members_stream_lazily_one_member_at_a_time(rulebook: Mapping[str, Edition]) -> None:
    stream = generate_population(members=1_000_000, years=5, region="bazhong", seed=2, editions=rulebook)
    assert inspect.isgenerator(stream)
    first = next(stream)
    assert (first["member_id"], first["type"]) == ("BZ-000001", "MemberRegistered")
    tracemalloc.start()
    try:
        count = sum(1 for _ in itertools.islice(stream, 5_000))
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        stream.close()
    assert count == 5_000
    # Hundreds of members went by; only one member's events were ever held (well under a megabyte).
    assert peak_bytes < 1_000_000


def contributions(events: list[Event]) -> list[Event]:
    return [e for e in events if e["type"] == "ContributionPaid"]


def test_population_has_late_payers_gaps_repairs_newborns_switches_arrears_and_transfers(
    populations: dict[str, list[Event]], rulebook: Mapping[str, Edition]
) -> None:
    for region, events in populations.items():
        windows = region_rules(rulebook, region=region, first_year=2025, last_year=2029).resident_years
        resident = [e for e in contributions(events) if e["data"]["scheme"] == "resident"]
        regular = [e for e in resident if e["data"]["kind"] == "regular"]
        late = [
            e
            for e in regular
            if date.fromisoformat(e["occurred_on"]) > windows[int(e["data"]["coverage_start"][:4])].window_end_on
        ]
        kinds = Counter(e["data"]["kind"] for e in contributions(events))
        categories = Counter(e["data"]["category"] for e in events if e["type"] == "CategoryCertified")
        ended = Counter(e["data"]["reason"] for e in events if e["type"] == "CoverageEnded")
        paid_years: dict[str, set[int]] = defaultdict(set)
        for e in regular:
            paid_years[e["member_id"]].add(int(e["data"]["coverage_start"][:4]))
        gaps = sum(1 for years in paid_years.values() if len(years) >= 2 and max(years) - min(years) + 1 > len(years))
        assert 0.03 < len(late) / len(regular) < 0.2, region
        assert gaps >= 20 and kinds["repair"] >= 10, (region, gaps, kinds)
        assert kinds["arrears"] >= 5 and kinds["transfer_in"] >= 5, (region, kinds)
        assert 30 <= categories["newborn"] <= 100, (region, categories)
        for category in ("student", "minor", "university_student", "retired", "minimum_living", "age_80_plus"):
            assert categories[category] >= 5, (region, category, categories)
        assert ended["left_employment"] >= 10 and ended["death"] >= 10, (region, ended)
        switched_to_employee = {
            e["member_id"]
            for e in contributions(events)
            if e["data"]["scheme"] == "employee" and e["data"]["coverage_start"] >= "2026"
        } & set(paid_years)
        assert len(switched_to_employee) >= 10, region
    assert (
        Counter(e["data"]["category"] for e in populations["bazhong"] if e["type"] == "CategoryCertified")[
            "civil_servant"
        ]
        >= 10
    )


def test_population_has_claims_of_every_setting_with_plausible_amounts(populations: dict[str, list[Event]]) -> None:
    for region, events in populations.items():
        claims = [e["data"] for e in events if e["type"] == "ClaimSubmitted"]
        settings = Counter(c["setting"] for c in claims)
        expected = {"inpatient", "outpatient_pooling", "chronic", "special", "two_diseases", "maternity"}
        if region == "shenyang":
            expected.add("emergency")  # Bazhong settles emergency outpatient care with the stay (002 ch.3 十五问)
        assert {s for s in expected if settings[s] >= 10} == expected, (region, settings)
        inpatient = sorted(Decimal(c["total_amount"]) for c in claims if c["setting"] == "inpatient")
        outpatient = sorted(Decimal(c["total_amount"]) for c in claims if c["setting"] == "outpatient_pooling")
        assert 3_000 < inpatient[len(inpatient) // 2] < 30_000 and inpatient[-1] > 100_000, region
        assert 50 < outpatient[len(outpatient) // 2] < 500, region
        level3 = [
            Decimal(c["total_amount"])
            for c in claims
            if c["setting"] == "inpatient" and c["facility_level"] == "level3"
        ]
        community = [
            Decimal(c["total_amount"])
            for c in claims
            if c["setting"] == "inpatient" and c["facility_level"] == "community"
        ]
        assert sum(level3) / len(level3) > 2 * sum(community) / max(len(community), 1), region
        assert {c["location"] for c in claims} >= {"local", "remote_long_term", "remote_temporary_referral"}, region
        reversed_count = sum(1 for e in events if e["type"] == "ClaimReversed")
        assert 0.002 < reversed_count / len(claims) < 0.03, region
        filed = Counter(e["data"]["kind"] for e in events if e["type"] == "RemoteCareFiled")
        assert filed["long_term"] >= 5 and filed["temporary_referral"] >= 5, (region, filed)


def test_certified_conditions_are_names_the_rule_sets_know(
    populations: dict[str, list[Event]], rulebook: Mapping[str, Edition]
) -> None:
    chronic_rows = set(rulebook["bazhong-resident"].value("chronic.annual_cap", date(2025, 1, 1)).rows)  # type: ignore[union-attr]
    conditions = [e["data"] for e in populations["bazhong"] if e["type"] == "ConditionCertified"]
    assert {c["condition"] for c in conditions if c["programme"] == "chronic"} <= chronic_rows
    assert {c["condition"] for c in conditions if c["programme"] == "two_diseases"} == {"hypertension", "diabetes"}
    shenyang = [e["data"] for e in populations["shenyang"] if e["type"] == "ConditionCertified"]
    assert "透析" in {c["condition"] for c in shenyang if c["programme"] == "special"}


def fold_all(events: list[Event], rulebook: Mapping[str, Edition]) -> Counter[str]:
    by_member: dict[str, list[RecordedEvent]] = defaultdict(list)
    for position, event in enumerate(parse_batch(events)):
        by_member[event.member_id].append(recorded(event, position))
    finder, statuses = edition_finder(rulebook), Counter[str]()
    for member_id, member_events in by_member.items():
        ledger = fold_member(
            member_events,
            member_id=member_id,
            as_of=date(2027, 12, 31),
            known_at=datetime(2028, 1, 1, tzinfo=UTC),
            edition_for=finder,
        )
        for settlement in ledger.settlements.values():
            assert settlement.fund_total_fen + settlement.member_pays_fen == settlement.total_fen
            assert 0 <= settlement.fund_total_fen <= settlement.total_fen
            statuses[settlement.status] += 1
    return statuses


@pytest.mark.parametrize("region", ["shenyang", "bazhong"])
def test_generated_members_fold_and_every_settlement_adds_up(region: str, rulebook: Mapping[str, Edition]) -> None:
    events = list(generate_population(members=250, years=3, region=region, seed=4, editions=rulebook))
    statuses = fold_all(events, rulebook)
    total = sum(statuses.values())
    # Most claims are paid; waiting periods, gaps and suspensions leave some unpaid; a few are reversed.
    assert statuses["settled"] / total > 0.8, statuses
    assert statuses["rejected"] > 0 and statuses["reversed"] > 0, statuses


def cli() -> typer.Typer:
    return ledger_app


def test_ledger_synth_writes_the_same_file_as_the_generator(tmp_path: Any, rulebook: Mapping[str, Edition]) -> None:
    out = tmp_path / "population.jsonl"
    arguments = ["synth", "--members", "20", "--years", "2", "--region", "bazhong", "--seed", "9", "--out", str(out)]
    result = CliRunner().invoke(cli(), arguments)
    assert result.exit_code == 0, result.output
    expected = lines(rulebook, members=20, years=2, region="bazhong", seed=9)
    assert out.read_text(encoding="utf-8") == "".join(line + "\n" for line in expected)
    assert not (tmp_path / "population.jsonl.partial").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--members", "0", "--years", "5", "--region", "bazhong"], "--members"),
        (["--members", "5", "--years", "51", "--region", "bazhong"], "--years"),
        (["--members", "5", "--years", "5", "--region", "tokyo"], "shenyang, bazhong"),
        (["--members", "5", "--years", "5", "--region", "bazhong", "--scheme-mix", "1.5"], "--scheme-mix"),
    ],
)
def test_ledger_synth_refuses_bad_arguments_with_a_clear_error(arguments: list[str], message: str) -> None:
    result = CliRunner().invoke(cli(), ["synth", *arguments, "--seed", "1"])
    assert result.exit_code == 2
    assert message in result.output


def _statuses_by_member(events: list[Event], rulebook: Mapping[str, Edition]) -> dict[str, Any]:
    by_member: dict[str, list[RecordedEvent]] = defaultdict(list)
    for position, event in enumerate(parse_batch(events)):
        by_member[event.member_id].append(recorded(event, position))
    finder, documents = edition_finder(rulebook), {}
    for member_id, member_events in by_member.items():
        ledger = fold_member(
            member_events,
            member_id=member_id,
            as_of=date(2027, 12, 31),
            known_at=datetime(2028, 1, 1, tzinfo=UTC),
            edition_for=finder,
        )
        document = status_document(ledger)
        document.pop("corrections")  # what names the corrections themselves, and its explanation
        document["explanations"] = [e for e in document["explanations"] if e["field"] != "corrections"]
        documents[member_id] = (document, {k: s.as_json() for k, s in ledger.settlements.items()})
    return documents


@pytest.mark.parametrize("region", ["shenyang", "bazhong"])
def test_corrections_add_events_but_once_known_change_no_answer(region: str, rulebook: Mapping[str, Edition]) -> None:
    plain = list(generate_population(members=150, years=3, region=region, seed=5, editions=rulebook))
    corrected = list(
        generate_population(members=150, years=3, region=region, seed=5, editions=rulebook, correction_share=0.5)
    )
    retractions = [e for e in corrected if e["type"] == "EventRetracted"]
    assert 40 < len(retractions) < 110 and len(corrected) == len(plain) + 2 * len(retractions)
    ids = {e["event_id"]: e for e in corrected}
    for retraction in retractions:
        target = ids[retraction["data"]["retracted_event_id"]]
        assert target["member_id"] == retraction["member_id"] and target["type"] != "EventRetracted"
        assert target["occurred_on"] <= retraction["occurred_on"]
    # The simulated events keep their ids: the corrections are additions, not a different population.
    assert {e["event_id"] for e in plain} <= set(ids)
    assert _statuses_by_member(corrected, rulebook) == _statuses_by_member(plain, rulebook)


def test_moves_take_employees_to_the_other_region(rulebook: Mapping[str, Edition]) -> None:
    events = list(generate_population(members=300, years=3, region="shenyang", seed=6, editions=rulebook, move_share=1))
    moves = [e for e in events if e["type"] == "MemberTransferred"]
    assert moves and all(m["data"]["to_region"] == "bazhong" and m["data"]["scheme"] == "employee" for m in moves)
    moved = {m["member_id"]: m for m in moves}
    documents = _statuses_by_member([e for e in events if e["member_id"] in moved], rulebook)
    for member_id, (document, _settlements) in documents.items():
        assert document["region"] == "bazhong", member_id
        assert document["transfers"]["moves"][0]["transferred_on"] == moved[member_id]["occurred_on"]
