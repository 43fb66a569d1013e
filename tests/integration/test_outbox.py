"""The outbox: effects decided in the projection's transaction, dispatched by id, performed once.

Dispatch runs through the in-process stub broker (the embedded default) and through a real
redis-server with the Redis broker; every test runs on SQLite and PostgreSQL unless marked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import dramatiq
import pytest
from sqlalchemy import Engine, func, select

from api.app import open_ledger
from api.settings import Settings, sqlalchemy_url
from domain.contract import parse_batch
from projections.entitlements import EntitlementsProjection, catch_up, open_projection, reset_read_model
from projections.migrate import upgrade_to_head
from projections.outbox import deliver, dispatch_pending
from projections.readmodel import MemberNotice, Outbox
from projections.rulebook import load_rulebook
from projections.store import LedgerApplication
from tests.support.events import make_event
from tests.support.servers import redis_server

NOW = datetime(2026, 1, 5, tzinfo=UTC)
#: A bill far above the caps: the basic pool (110,000 yuan) and the major-illness layer (300,000) run out.
BIG_CLAIM = {"claim_id": "C-BIG", "total_amount": "900000.00", "policy_amount": "900000.00", "out_of_scope": "0.00"}


class ProcessDies(BaseException):
    """The process dies mid-batch (not an error of one member's fold, which the projection would isolate)."""


def history(member_id: str) -> list[dict[str, object]]:
    return [
        make_event("MemberRegistered", member_id=member_id),
        make_event("ContributionPaid", member_id=member_id) | {"occurred_on": "2024-11-01"},
        make_event("ClaimSubmitted", member_id=member_id),
    ]


@pytest.fixture
def stores(settings: Settings) -> Iterator[tuple[LedgerApplication, EntitlementsProjection]]:
    upgrade_to_head(sqlalchemy_url(settings.database_url))
    ledger = open_ledger(settings)
    projection = open_projection(sqlalchemy_url(settings.database_url), ledger, load_rulebook())
    yield ledger, projection
    ledger.close()
    projection.view.engine.dispose()


def outbox_rows(engine: Engine) -> list[tuple[str, str, str, dict[str, object]]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(Outbox.member_id, Outbox.kind, Outbox.subject, Outbox.payload_json).order_by(
                Outbox.member_id, Outbox.kind, Outbox.subject, Outbox.payload_json
            )
        ).all()
    return [(m, k, s, json.loads(p)) for m, k, s, p in rows]


def notices(engine: Engine) -> list[tuple[str, str, str]]:
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                select(MemberNotice.member_id, MemberNotice.kind, MemberNotice.text).order_by(
                    MemberNotice.member_id, MemberNotice.text
                )
            ).all()
        ]


def test_the_projection_decides_effects_with_its_rows(
    stores: tuple[LedgerApplication, EntitlementsProjection],
) -> None:
    ledger, projection = stores
    ledger.record_events(parse_batch(history("A")), now=NOW)
    big = make_event("ClaimSubmitted", member_id="B", label="big", **BIG_CLAIM)
    ledger.record_events(parse_batch([*history("B")[:2], big]), now=NOW)
    catch_up(ledger, projection)
    rows = outbox_rows(projection.view.engine)
    assert [(m, k, s) for m, k, s, _ in rows] == [
        ("A", "claim_decided", "C-1"),
        ("B", "cap_exhausted", "basic_pool:2025"),
        ("B", "cap_exhausted", "major_illness:2025"),
        ("B", "claim_decided", "C-BIG"),
    ]
    assert rows[0][3] == {
        "claim_id": "C-1",
        "status": "settled",
        "year": 2025,
        "total_fen": 450_000,
        "fund_total_fen": 369_000,  # 张三, 002 ch.1 四十三
        "member_pays_fen": 81_000,
        "reason": None,
    }
    assert rows[1][3]["cap_fen"] == 11_000_000


def test_a_rebuild_or_a_refold_decides_nothing_twice_but_a_new_outcome_is_new(
    stores: tuple[LedgerApplication, EntitlementsProjection],
) -> None:
    ledger, projection = stores
    engine = projection.view.engine
    ledger.record_events(parse_batch(history("A")), now=NOW)
    catch_up(ledger, projection)
    ledger.record_events(parse_batch([make_event("RemoteCareFiled", member_id="A")]), now=NOW)
    catch_up(ledger, projection)
    assert len(outbox_rows(engine)) == 1, "refolding the member found its effect decided already"
    reset_read_model(engine)
    catch_up(ledger, projection)
    assert len(outbox_rows(engine)) == 1, "a rebuild from zero decides nothing again"
    ledger.record_events(parse_batch([make_event("ClaimReversed", member_id="A")]), now=NOW)
    catch_up(ledger, projection)
    statuses = [payload["status"] for _m, _k, _s, payload in outbox_rows(engine)]
    assert sorted(statuses) == ["reversed", "settled"]


def test_a_correction_is_a_notice_and_so_is_the_decision_it_changed(
    stores: tuple[LedgerApplication, EntitlementsProjection],
) -> None:
    ledger, projection = stores
    engine = projection.view.engine
    events = history("A")
    ledger.record_events(parse_batch(events), now=NOW)
    catch_up(ledger, projection)
    fix = make_event("EventRetracted", member_id="A", retracted_event_id=events[1]["event_id"], reason="not hers")
    ledger.record_events(parse_batch([fix]), now=NOW)
    catch_up(ledger, projection)
    rows = outbox_rows(engine)
    assert [(k, s, p.get("status")) for _m, k, s, p in rows] == [
        ("claim_decided", "C-1", "rejected"),  # the payment is gone: no coverage on the admission day
        ("claim_decided", "C-1", "settled"),
        ("event_retracted", events[1]["event_id"], None),
    ]
    assert rows[2][3]["type"] == "ContributionPaid" and rows[2][3]["reason"] == "not hers"


def test_a_failed_batch_leaves_no_effect_behind(
    stores: tuple[LedgerApplication, EntitlementsProjection], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, projection = stores
    ledger.record_events(parse_batch([*history("A"), *history("B")]), now=NOW)
    original = EntitlementsProjection._refresh_member

    def dies_on_b(
        self: EntitlementsProjection, connection: object, member_id: str, notification_id: int, snapshot: object
    ) -> None:
        if member_id == "B":
            raise ProcessDies("the projection process dies here")
        original(self, connection, member_id, notification_id, snapshot)  # type: ignore[arg-type]

    monkeypatch.setattr(EntitlementsProjection, "_refresh_member", dies_on_b)
    with pytest.raises(ProcessDies):
        catch_up(ledger, projection)
    assert outbox_rows(projection.view.engine) == [], "A's effect went with A's rows"


def test_delivery_writes_one_notice_however_often_it_runs(
    stores: tuple[LedgerApplication, EntitlementsProjection],
) -> None:
    ledger, projection = stores
    engine = projection.view.engine
    ledger.record_events(parse_batch(history("A")), now=NOW)
    catch_up(ledger, projection)
    sent: list[str] = []
    assert dispatch_pending(engine, sent.append) == 1
    assert dispatch_pending(engine, sent.append) == 0, "a dispatched row is not sent again"
    assert deliver(engine, sent[0]) is True
    assert deliver(engine, sent[0]) is False
    assert notices(engine) == [
        ("A", "claim_decided", "claim C-1 settled: the funds pay 3690.00 yuan, the member pays 810.00 yuan")
    ]
    with pytest.raises(LookupError):
        deliver(engine, "00000000-0000-0000-0000-000000000000")


def run_outbox_worker(broker: dramatiq.Broker, engine: Engine, *, redeliver: bool) -> None:
    """Dispatch every pending row to the broker and let a dramatiq worker deliver them."""
    from workers.outbox import OUTBOX_QUEUE, deliver_outbox

    sent: list[str] = []

    def send(outbox_id: str) -> None:
        sent.append(outbox_id)
        deliver_outbox.send(outbox_id)

    dispatch_pending(engine, send)
    if redeliver:  # a dispatcher that died before marking its rows sends their ids again
        for outbox_id in sent:
            deliver_outbox.send(outbox_id)
    worker = dramatiq.Worker(broker, worker_threads=2, queues={OUTBOX_QUEUE})
    worker.start()
    try:
        broker.join(OUTBOX_QUEUE, timeout=60_000)
        worker.join()
    finally:
        worker.stop()


def check_delivered(engine: Engine) -> None:
    with engine.connect() as connection:
        undelivered = connection.execute(
            select(func.count()).select_from(Outbox).where(Outbox.delivered_at.is_(None))
        ).scalar_one()
    assert undelivered == 0
    found = notices(engine)
    assert [(member, kind) for member, kind, _text in found] == [
        ("A", "claim_decided"),
        ("B", "claim_decided"),
        ("B", "cap_exhausted"),
        ("B", "cap_exhausted"),
    ], "one notice per outbox row, though every id was sent twice"
    assert ("B", "cap_exhausted", "the basic_pool cap of 110000.00 yuan for 2025 is used up") in found


def stock(ledger: LedgerApplication, projection: EntitlementsProjection) -> None:
    big = make_event("ClaimSubmitted", member_id="B", label="big", **BIG_CLAIM)
    ledger.record_events(parse_batch([*history("A"), *history("B")[:2], big]), now=NOW)
    catch_up(ledger, projection)


def test_dispatch_through_the_in_process_broker(
    stores: tuple[LedgerApplication, EntitlementsProjection], settings: Settings
) -> None:
    from workers.actors import close_resources, use_settings
    from workers.broker import install_broker

    ledger, projection = stores
    stock(ledger, projection)
    broker = install_broker(None)
    use_settings(settings)
    try:
        run_outbox_worker(broker, projection.view.engine, redeliver=True)
    finally:
        close_resources()
    check_delivered(projection.view.engine)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_dispatch_through_redis_and_a_dramatiq_worker(
    stores: tuple[LedgerApplication, EntitlementsProjection], settings: Settings
) -> None:
    from workers.actors import close_resources, use_settings
    from workers.broker import install_broker

    ledger, projection = stores
    stock(ledger, projection)
    with redis_server() as redis_url:
        broker = install_broker(redis_url)
        use_settings(Settings(database_url=settings.database_url, redis_url=redis_url))
        try:
            run_outbox_worker(broker, projection.view.engine, redeliver=True)
        finally:
            broker.close()
            close_resources()
    check_delivered(projection.view.engine)
