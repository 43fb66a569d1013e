from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """A client of a fresh ledger, carrying the admin key its first start created."""
    app = create_app(settings)
    with TestClient(app, headers={"Authorization": f"Bearer {app.state.bootstrap_admin_key}"}) as test_client:
        yield test_client
