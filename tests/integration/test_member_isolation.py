"""One member never stops the others: a member whose fold fails is isolated, reported and retried.

The contract now refuses the events that poisoned a member (a year 0001 contribution, a NUL in a
claim id); a stream stored before it did is simulated by storing a model altered after validation
(the store records what it is given). The live projection, replays and status queries must go on
with everyone else and say which member is isolated, where and why.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from api.app import create_app, open_ledger
from api.settings import Settings, sqlalchemy_url
from domain.contract import AnyEvent, parse_batch
from projections.entitlements import catch_up, lag, open_projection
from projections.isolation import LIVE_SCOPE, failures, promotable, replay_scope, retry_live
from projections.migrate import upgrade_to_head
from projections.readmodel import ClaimSettlementRow, FoldFailure, MemberIndex
from projections.replay import ReplayError, create_job, edition_source, job_progress, run_partition
from projections.rulebook import load_rulebook
from projections.runner import SupervisedRunner
from projections.store import LedgerApplication
from tests.support.events import make_event

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def healthy(member_id: str) -> list[dict[str, Any]]:
    return [
        make_event("MemberRegistered", member_id=member_id),
        make_event("ContributionPaid", member_id=member_id) | {"occurred_on": "2024-11-01"},
        make_event("ClaimSubmitted", member_id=member_id),
    ]


def poisoned_contribution(member_id: str) -> AnyEvent:
    """A resident contribution for the year 0001, as stored before the contract refused it."""
    (event,) = parse_batch([make_event("ContributionPaid", member_id=member_id, label=f"{member_id}:poison")])
    data = event.data.model_copy(update={"coverage_start": date(1, 1, 1), "coverage_end": date(1, 12, 31)})  # type: ignore[attr-defined]
    return event.model_copy(update={"data": data, "occurred_on": date(1, 1, 1)})


def nul_claim(member_id: str) -> AnyEvent:
    """A claim whose id holds a NUL character (PostgreSQL cannot store it in text)."""
    (event,) = parse_batch([make_event("ClaimSubmitted", member_id=member_id, label=f"{member_id}:nul")])
    data = event.data.model_copy(update={"claim_id": "C-\x00-1"})  # type: ignore[attr-defined]
    return event.model_copy(update={"data": data})


@pytest.fixture
def ledger(settings: Settings):  # type: ignore[no-untyped-def]
    upgrade_to_head(sqlalchemy_url(settings.database_url))
    application = open_ledger(settings)
    yield application
    application.close()


def store_population(ledger: LedgerApplication) -> None:
    ledger.record_events(parse_batch(healthy("A") + healthy("P") + healthy("B")), now=NOW)
    ledger.record_events([poisoned_contribution("P")], now=NOW)
    ledger.record_events(parse_batch(healthy("C") + healthy("N")), now=NOW)
    ledger.record_events([nul_claim("N")], now=NOW)


def test_the_live_projection_isolates_a_poisoned_member_and_goes_on(
    ledger: LedgerApplication, settings: Settings
) -> None:
    store_population(ledger)
    projection = open_projection(sqlalchemy_url(settings.database_url), ledger, load_rulebook())
    catch_up(ledger, projection, batch=50)  # before: ValueError: year 0 is out of range, and every batch after waits
    assert lag(ledger, projection.view) == 0
    engine = projection.view.engine
    isolated = {row["member_id"]: row for row in failures(engine)}
    poisoned = {"P", "N"}
    assert set(isolated) == poisoned
    assert isolated["P"]["event_position"] == 5  # stream version 5: opened, 3 events, then the year 0001
    assert "0001-01-01 is outside the dates the ledger accepts" in isolated["P"]["error"]
    assert "control character U+0000" in isolated["N"]["error"]
    with engine.connect() as connection:
        settled = set(connection.execute(select(ClaimSettlementRow.member_id)).scalars())
    assert {"A", "B", "C"} <= settled  # the member stored after the poison is in the read model too
    assert not (poisoned & settled)

    # A new event of the member retries it (still poisoned: still isolated, attempts counted).
    ledger.record_events(parse_batch([make_event("ConditionCertified", member_id="P")]), now=NOW)
    catch_up(ledger, projection)
    assert failures(engine)[0]["attempts"] >= 2

    # Under other code or rules (another fingerprint) the runner's start retries it; still failing, kept.
    with engine.begin() as connection:
        connection.execute(update(FoldFailure).values(fingerprint="older code"))
    SupervisedRunner(projection, lambda: ledger, interval_s=0.1, report=lambda _: None)._retry_isolated()
    assert {row["member_id"] for row in failures(engine)} == poisoned


def test_a_member_whose_fold_works_again_leaves_the_failures(
    ledger: LedgerApplication, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger.record_events(parse_batch(healthy("A") + healthy("B")), now=NOW)
    projection = open_projection(sqlalchemy_url(settings.database_url), ledger, load_rulebook())
    import projections.entitlements as module

    real_fold = module.fold_member

    def defective(events: list[Any], *, member_id: str, **arguments: Any) -> Any:
        if member_id == "B":
            raise ArithmeticError("a defect of the rules for B")
        return real_fold(events, member_id=member_id, **arguments)

    monkeypatch.setattr(module, "fold_member", defective)
    catch_up(ledger, projection)
    assert [row["member_id"] for row in failures(projection.view.engine)] == ["B"]
    monkeypatch.setattr(module, "fold_member", real_fold)  # the code is fixed
    assert retry_live(projection, ["B"]) == (1, 0)
    assert failures(projection.view.engine) == []
    with projection.view.engine.connect() as connection:
        assert connection.execute(select(MemberIndex.scheme).where(MemberIndex.member_id == "B")).scalar() == "resident"


def test_status_of_an_isolated_member_is_a_clear_problem_and_health_is_degraded(settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app, headers={"Authorization": f"Bearer {app.state.bootstrap_admin_key}"}) as client:
        ledger = app.state.ledger
        store_population(ledger)
        projection = open_projection(sqlalchemy_url(settings.database_url), ledger, load_rulebook())
        catch_up(ledger, projection)
        for path in ("/v1/members/P/status?as_of=2025-06-01", "/fhir/Coverage?beneficiary=P"):
            answer = client.get(path)  # before: 500 ValueError: year 0 is out of range
            assert answer.status_code == 422, (path, answer.status_code, answer.text[:300])
            if path.startswith("/fhir/"):  # FHIR answers its errors as an OperationOutcome
                assert answer.headers["content-type"].startswith("application/fhir+json")
                assert answer.json()["resourceType"] == "OperationOutcome"
            else:
                assert answer.headers["content-type"].startswith("application/problem+json")
            assert "event 5 of the stream" in answer.text
        page = client.get("/console/members/P")  # the console shows the same reason on its page
        assert page.status_code == 422 and "event 5 of the stream" in page.text
        home = client.get("/console/")
        assert 'id="isolated-members"' in home.text and 'href="/console/members/P"' in home.text
        claim = make_event("ClaimSubmitted", member_id="P", label="P:second", claim_id="C-2")
        answer = client.post("/v1/claims", json=claim)
        assert answer.status_code == 422 and answer.json()["type"] == "/problems/member-unfoldable"
        assert client.get("/v1/members/A/status?as_of=2025-06-01").status_code == 200
        health = client.get("/healthz").json()
        assert health["status"] == "degraded" and health["isolated_members"] == 2


def test_a_replay_isolates_a_poisoned_member_and_finishes(ledger: LedgerApplication, settings: Settings) -> None:
    store_population(ledger)
    rulebook = load_rulebook()
    engine = open_projection(sqlalchemy_url(settings.database_url), ledger, rulebook).view.engine
    edition = rulebook["bazhong-resident"]
    job_id = create_job(
        engine, ledger, edition, source=edition_source(edition, file=None), partitions=1, as_of=date(2025, 12, 31)
    )
    run_partition(engine, ledger, rulebook, job_id=job_id, partition=0)  # before: ValueError, never finished
    assert job_progress(engine, job_id).done
    isolated = failures(engine, scope=replay_scope(job_id))
    assert {row["member_id"]: row["event_position"] for row in isolated} == {"P": 5, "N": 5}
    assert failures(engine, scope=LIVE_SCOPE) == []
    everything = create_job(
        engine, ledger, edition, source=edition_source(edition, file=None), partitions=1, as_of=date(9999, 12, 31)
    )
    run_partition(engine, ledger, rulebook, job_id=everything, partition=0)
    with pytest.raises(ReplayError, match="isolated 2 member"):  # their live rows would be dropped
        promotable(engine, rulebook, everything)
