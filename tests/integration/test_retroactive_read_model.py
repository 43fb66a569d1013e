"""Retroactive-assistance decisions (依申请救助, 002 ch.6 五问 (三)) are a read model of their own: the live
projection keeps them, a replay recomputes them into its set, a promotion carries them, audits compare them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, create_engine, delete, select

from api.app import open_ledger
from api.settings import Settings, sqlalchemy_url
from domain.contract import parse_batch
from projections.audit import audit_members
from projections.entitlements import catch_up, open_projection, read_model_checksum, reset_read_model
from projections.migrate import upgrade_to_head
from projections.readmodel import ReplayRetroactiveAssistance, RetroactiveAssistanceRow
from projections.replay import LIVE_AS_OF, create_job, edition_source, model_set_checksum, promote, run_partition
from projections.rulebook import load_rulebook
from projections.store import LedgerApplication
from tests.support.editions import MINIMUM_LIVING_80_PATCH
from tests.support.events import make_event

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def certified_in_june(member_id: str) -> list[dict[str, object]]:
    """张三's March stay (002 ch.1 四十三: self-pay 4200 − 3690 = 510), then a 低保 certification from June."""
    return [
        make_event("MemberRegistered", member_id=member_id),
        make_event("ContributionPaid", member_id=member_id) | {"occurred_on": "2024-11-01"},
        make_event("ClaimSubmitted", member_id=member_id, flags=[]),
        make_event(
            "CategoryCertified", member_id=member_id, category="minimum_living", valid_from="2025-06-01", valid_to=None
        )
        | {"occurred_on": "2025-06-01"},
    ]


@pytest.fixture
def stocked(settings: Settings) -> Iterator[tuple[LedgerApplication, Engine, str]]:
    url = sqlalchemy_url(settings.database_url)
    upgrade_to_head(url)
    ledger = open_ledger(settings)
    ledger.record_events(parse_batch(certified_in_june("RA-1")), now=NOW)
    ledger.record_events(parse_batch(certified_in_june("RA-2")[:3]), now=NOW)  # never certified: no decision
    engine = create_engine(url)
    yield ledger, engine, url
    ledger.close()
    engine.dispose()


def live_decisions(engine: Engine) -> list[tuple[str, str, date, int, int, list[dict[str, object]]]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                RetroactiveAssistanceRow.member_id,
                RetroactiveAssistanceRow.category,
                RetroactiveAssistanceRow.certified_on,
                RetroactiveAssistanceRow.year,
                RetroactiveAssistanceRow.total_fen,
                RetroactiveAssistanceRow.claims_json,
            )
        ).all()
    return [(m, c, on, y, total, json.loads(claims)) for m, c, on, y, total, claims in rows]


def test_the_live_projection_keeps_the_decision_and_a_rebuild_gives_the_same(
    stocked: tuple[LedgerApplication, Engine, str],
) -> None:
    ledger, engine, url = stocked
    projection = open_projection(url, ledger, load_rulebook())
    catch_up(ledger, projection, batch=3)
    # 510 × 70 % (低保 routine ratio, deductible 0) = 357.00; the 153.00 left is below the 8,500 line: no tilt.
    assert live_decisions(engine) == [
        (
            "RA-1",
            "minimum_living",
            date(2025, 6, 1),
            2025,
            35_700,
            [
                {
                    "claim_id": "C-1",
                    "self_pay_fen": 51_000,
                    "already_fen": 0,
                    "due_fen": 35_700,
                    "routine_fen": 35_700,
                    "tilt_fen": 0,
                    "amount_fen": 35_700,
                }
            ],
        )
    ]
    live = read_model_checksum(engine)
    reset_read_model(engine)
    catch_up(ledger, projection)
    assert read_model_checksum(engine) == live
    projection.view.engine.dispose()


def test_a_replay_recomputes_the_decision_and_a_promotion_carries_it(
    stocked: tuple[LedgerApplication, Engine, str],
) -> None:
    ledger, engine, url = stocked
    rulebook = load_rulebook()
    patched = rulebook.alternative_from_text(MINIMUM_LIVING_80_PATCH, file_name="patch.yaml")
    # The live model built under the what-if edition (as before a rule-set change): 510 × 80 % = 408.00.
    stale = open_projection(url, ledger, {**rulebook, patched.name: patched})
    catch_up(ledger, stale)
    assert [row[4] for row in live_decisions(engine)] == [40_800]
    job = create_job(
        engine,
        ledger,
        rulebook["bazhong-resident"],
        source=edition_source(rulebook["bazhong-resident"], file=None),
        partitions=2,
        as_of=LIVE_AS_OF,
    )
    for partition in range(2):
        run_partition(engine, ledger, rulebook, job_id=job, partition=partition)
    with engine.connect() as connection:
        replayed = connection.execute(
            select(ReplayRetroactiveAssistance.member_id, ReplayRetroactiveAssistance.total_fen)
        ).all()
    assert replayed == [("RA-1", 35_700)], "the replay recomputes the decision under its edition"
    model_set = connection_model_set(engine)
    first = model_set_checksum(engine, model_set)
    with engine.begin() as connection:
        connection.execute(delete(ReplayRetroactiveAssistance))
    for partition in range(2):
        run_partition(engine, ledger, rulebook, job_id=job, partition=partition)
    assert model_set_checksum(engine, model_set) == first
    promote(engine, rulebook, job)
    assert [row[4] for row in live_decisions(engine)] == [35_700]
    stale.view.engine.dispose()


def connection_model_set(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(select(ReplayRetroactiveAssistance.model_set).distinct()).scalar_one())


def test_an_audit_over_the_store_shows_the_decision_change(stocked: tuple[LedgerApplication, Engine, str]) -> None:
    ledger, _engine, _url = stocked
    rulebook = load_rulebook()
    patched = rulebook.alternative_from_text(MINIMUM_LIVING_80_PATCH, file_name="patch.yaml")
    results = dict(
        audit_members(
            ledger,
            rulebook,
            edition_a=patched,
            against=None,
            members=["RA-1", "RA-2"],
            as_of=date(2025, 12, 31),
            known_at=NOW,
        )
    )
    assert results["RA-2"] == []
    changed = {(d.kind, d.claim_id, d.field): (d.value_a, d.value_b) for d in results["RA-1"]}
    assert changed == {
        ("entitlement", None, "retroactive_assistance[2025-06-01 minimum_living].total"): (40_800, 35_700),
        ("payment", "C-1", "retroactive_assistance"): (40_800, 35_700),
    }
