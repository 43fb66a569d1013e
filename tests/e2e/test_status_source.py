"""The status route says where the member's events came from; the document is the same either way."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.settings import Settings
from tests.support.events import make_event


def test_the_status_header_names_the_read_model_once_it_is_current(client: TestClient, settings: Settings) -> None:
    from typer.testing import CliRunner

    from api.cli.main import app

    events = [make_event("MemberRegistered"), make_event("ContributionPaid") | {"occurred_on": "2024-11-01"}]
    assert client.post("/v1/events", json=events).status_code == 200
    query = {"as_of": "2025-06-01", "known_at": "2026-01-01T00:00:00Z"}
    before = client.get("/v1/members/M-0001/status", params=query)
    assert before.status_code == 200 and before.headers["Ledger-Source"] == "stream"
    result = CliRunner().invoke(
        app, ["project", "--once"], env={"LEDGER_DATABASE_URL": settings.database_url, "LEDGER_REDIS_URL": ""}
    )
    assert result.exit_code == 0, result.output
    after = client.get("/v1/members/M-0001/status", params=query)
    assert after.headers["Ledger-Source"] == "read-model"
    assert after.json() == before.json()
