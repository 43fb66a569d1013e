"""Hostile input: schemathesis drives every operation of the OpenAPI schema.

Generated requests (valid and invalid by the schema) with an admin key: no answer is a 500, every
answer's status is documented and its body matches the documented schema and media type.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.settings import Settings
from tests.conftest import TEST_PSEUDONYM_KEY
from tests.support.events import make_event

#: Generated cases per operation: enough to find the unhandled, small enough for the suite's budget.
EXAMPLES_PER_OPERATION = 25


def _fuzzed_app() -> FastAPI:
    """A ledger on a throw-away SQLite file, with one member so reads find something as well as nothing."""
    database = Path(tempfile.mkdtemp(prefix="ledger-fuzz-")) / "ledger.db"
    app = create_app(Settings(database_url=f"sqlite:///{database}", pseudonym_key=TEST_PSEUDONYM_KEY))
    # No `with`: the lifespan would close the store on exit, and schemathesis calls the app without one.
    seeded = TestClient(app, headers=_admin(app)).post(
        "/v1/events", json=[make_event("MemberRegistered"), make_event("ContributionPaid")]
    )
    seeded.raise_for_status()
    return app


def _admin(app: FastAPI) -> dict[str, str]:
    return {"Authorization": f"Bearer {app.state.bootstrap_admin_key}"}


async def _without_lifespan(scope: Any, receive: Any, send: Any) -> None:
    """The app, with lifespan events acknowledged but not passed on: schemathesis's ASGI client runs one
    per call, and the app's shutdown closes the event store."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    await FUZZED_APP(scope, receive, send)


FUZZED_APP = _fuzzed_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", _without_lifespan)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_no_operation_fails_or_breaks_its_contract(case: Any) -> None:
    case.call_and_validate(
        headers=_admin(FUZZED_APP),
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )


def test_the_fuzzed_schema_covers_the_api() -> None:
    paths = set(schema.raw_schema["paths"])
    assert {"/v1/events", "/v1/claims", "/v1/members/{member_id}/status", "/v1/keys", "/v1/replays"} <= paths
