"""A served console on loopback and a headless Chromium (Debian's package) driven by Playwright.

The server is the real application (``api.app.create_app``) under uvicorn on 127.0.0.1 and a free
port, in a thread of the test process, with a SQLite ledger under the test's temporary directory.
Its population is a synthetic one posted through ``POST /v1/events`` with an admin key; a replay of
a what-if edition is recorded and run so the audit page has something to compare.
Playwright drives the browser the test command installs (``chromium``); nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from api.app import create_app
from api.auth import create_key
from api.routes.status import today_in_china
from api.settings import Settings
from projections.audit import RULEBOOK, create_audit_job, run_audit_partition
from projections.replay import create_job, edition_source, run_partition
from synthetic import generate_population
from tests.conftest import TEST_PSEUDONYM_KEY
from tests.support.events import make_event
from tests.support.servers import SERVER_START_TIMEOUT_S, free_port, wait_for

#: Where screenshots go (git-ignored); LEDGER_TEST_ARTIFACTS moves them.
ARTIFACTS_DIR = Path(os.environ.get("LEDGER_TEST_ARTIFACTS", Path(__file__).resolve().parent / "artifacts"))
#: Debian's chromium (the test command installs the package); LEDGER_TEST_CHROMIUM names another binary.
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
#: Playwright's wait for any one page action or expectation.
BROWSER_TIMEOUT_MS = 15_000
#: The synthetic population the console is tested on: small, reproducible.
POPULATION = {"members": 20, "years": 3, "region": "bazhong", "seed": 7, "start_year": 2024}
#: What if Bazhong's resident outpatient pooling paid 60 % (002 ch.3 十八问 says 50 %)? Many synthetic claims change.
OUTPATIENT_60_PATCH = """
patch: outpatient-60
base: bazhong-resident
description: What if resident outpatient pooling paid 60 %?
parameters:
  outpatient_pooling.flat_ratio:
    values:
      - {from: 2025-01-01, value: "0.60", reference: {document: bz-handbook-2025, section: "002 ch.3 十八问 (what-if)"}}
"""
#: A member posted under a (valid, made-up) resident identity number: the ledger stores its pseudonym.
IDENTITY_NUMBER = "11010519491231002X"
#: The status date the tests look at (fixed, so figures are reproducible).
AS_OF = date(2026, 6, 30)


def chromium_path() -> str:
    given = os.environ.get("LEDGER_TEST_CHROMIUM")
    found = (
        given or next((path for path in CHROMIUM_CANDIDATES if Path(path).exists()), None) or shutil.which("chromium")
    )
    if not found:
        raise RuntimeError("chromium not found: run the README's test command (make test), which installs it")
    return found


@dataclass(frozen=True)
class Console:
    base_url: str
    admin_key: str
    service_key: str
    auditor_key: str
    replay_job_id: str
    audit_job_id: str
    #: The served application (its state: the store, the read models, the rulebook), to start jobs beside it.
    app: Any

    def api(self, path: str) -> httpx.Response:
        """A GET of the JSON API with the admin key (what the console must agree with)."""
        return httpx.get(f"{self.base_url}{path}", headers={"Authorization": f"Bearer {self.admin_key}"}, timeout=30)


@pytest.fixture(scope="session")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    root = tmp_path_factory.mktemp("console")
    settings = Settings(database_url=f"sqlite:///{root / 'ledger.db'}", pseudonym_key=TEST_PSEUDONYM_KEY)
    app = create_app(settings)
    engine = app.state.read_engine
    admin_key = create_key(engine, role="admin")[1]
    service_key = create_key(engine, role="service")[1]
    auditor_key = create_key(engine, role="auditor")[1]
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="console-server", daemon=True)
    thread.start()
    try:
        wait_for(lambda: server.started, timeout_s=SERVER_START_TIMEOUT_S, what="the console's uvicorn server")
        base_url = f"http://127.0.0.1:{port}"
        # Only what has happened can be stored: the population's last weeks may lie after today.
        today = today_in_china().isoformat()
        events = [e for e in generate_population(**POPULATION) if e["occurred_on"] <= today]  # type: ignore[arg-type]
        events += [make_event(kind, member_id=IDENTITY_NUMBER) for kind in ("MemberRegistered", "ContributionPaid")]
        stored = httpx.post(
            f"{base_url}/v1/events", json=events, headers={"Authorization": f"Bearer {admin_key}"}, timeout=60
        )
        assert stored.status_code == 200, stored.text
        job_id, audit_id = _replay_and_audit_what_if(app, root)
        yield Console(base_url, admin_key, service_key, auditor_key, job_id, audit_id, app)
    finally:
        server.should_exit = True
        thread.join(timeout=SERVER_START_TIMEOUT_S)


def _replay_and_audit_what_if(app: object, root: Path) -> tuple[str, str]:
    """Record and run (here, in one partition each) a replay of the outpatient-60 patch and an audit of it against
    the rulebook, as `ledger replay` and `ledger audit` with workers would."""
    state = app.state  # type: ignore[attr-defined]
    patch_file = root / "outpatient-60.yaml"
    patch_file.write_text(OUTPATIENT_60_PATCH, encoding="utf-8")
    edition = state.rulebook.load_alternative(patch_file)
    job_id = create_job(
        state.read_engine,
        state.ledger,
        edition,
        source=edition_source(edition, file=patch_file),
        partitions=1,
        as_of=AS_OF,
    )
    run_partition(state.read_engine, state.ledger, state.rulebook, job_id=job_id, partition=0)
    audit_id = create_audit_job(
        state.read_engine,
        state.ledger,
        side_a_source=edition_source(edition, file=patch_file),
        side_b_source=RULEBOOK,
        partitions=1,
        as_of=AS_OF,
        known_at=datetime.now(UTC),
    )
    run_audit_partition(state.read_engine, state.ledger, state.rulebook, job_id=audit_id, partition=0)
    return job_id, audit_id


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) per test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    opened = context.new_page()
    yield opened
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as a test artifact and say where."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path
