"""The supervised projection runner behind ``ledger project``: one active runner, restarts, lag, watchdog.

* **One active runner per projection.** On PostgreSQL the runner holds a session advisory lock
  named after the projection; a second runner waits as a standby until the lock is free. On
  SQLite (one machine) the conditional tracking update is the guard: a batch whose position is
  already applied is refused and rolled back, so effects stay exactly-once either way.
* **Supervisor.** A failed catch-up is logged and retried after a back-off that doubles up to
  :data:`RESTART_BACKOFF_S_MAX`; the runner never dies on one bad batch.
* **Lag and watchdog.** Every cycle reports the lag (notifications recorded but not applied). A lag
  that does not shrink for :data:`WATCHDOG_CYCLES_MAX` cycles is reported as stalled and the
  runner reopens its event-store connection.
* Both databases are polled every ``interval_s`` (bounded batches); LISTEN/NOTIFY is not used yet.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from projections.entitlements import EntitlementsProjection, catch_up, lag
from projections.store import LedgerApplication

logger = logging.getLogger("ledger.projection")

#: Longest pause between two attempts after a failure.
RESTART_BACKOFF_S_MAX = 30.0
#: Cycles with an unchanged, non-zero lag before the watchdog reports a stall and reconnects.
WATCHDOG_CYCLES_MAX = 5


@dataclass(frozen=True)
class Cycle:
    """What one supervisor cycle did: notifications applied, lag after it, any error, any stall."""

    applied: int
    lag: int
    error: str | None = None
    stalled: bool = False


def advisory_lock_key(projection_name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock, from the projection's name."""
    return int.from_bytes(hashlib.sha256(projection_name.encode()).digest()[:8], "big", signed=True)


class Leadership:
    """The PostgreSQL advisory lock that makes one runner active (a no-op on SQLite)."""

    def __init__(self, engine: Engine, projection_name: str) -> None:
        self.engine = engine
        self.key = advisory_lock_key(projection_name)
        self.connection: Connection | None = None

    def try_acquire(self) -> bool:
        if self.engine.dialect.name != "postgresql":
            return True
        if self.connection is None:
            self.connection = self.engine.connect()
        acquired = bool(self.connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar())
        self.connection.commit()
        return acquired

    def release(self) -> None:
        if self.connection is not None:
            self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            self.connection.commit()
            self.connection.close()
            self.connection = None


class SupervisedRunner:
    """Keeps a projection current until stopped."""

    def __init__(
        self,
        projection: EntitlementsProjection,
        open_ledger: Callable[[], LedgerApplication],
        *,
        interval_s: float,
        report: Callable[[Cycle], None],
    ) -> None:
        self.projection = projection
        self.open_ledger = open_ledger
        self.interval_s = interval_s
        self.report = report
        self.stopping = threading.Event()
        self.leadership = Leadership(projection.view.engine, projection.name)

    def stop(self) -> None:
        self.stopping.set()

    def run(self, *, cycles_max: int | None = None) -> None:
        """Wait to lead, then catch up every ``interval_s``; restart on errors; stop when asked."""
        while not self.stopping.is_set() and not self.leadership.try_acquire():
            logger.info("%s: another runner is active; standing by", self.projection.name)
            self.stopping.wait(self.interval_s)
        ledger = self.open_ledger()
        self.projection.ledger = ledger
        backoff_s = self.interval_s
        last_lag, unchanged = -1, 0
        cycles = 0
        try:
            while not self.stopping.is_set() and (cycles_max is None or cycles < cycles_max):
                cycles += 1
                try:
                    applied = catch_up(ledger, self.projection)
                    current = lag(ledger, self.projection.view)
                except Exception as error:
                    logger.exception("%s: catch-up failed; restarting", self.projection.name)
                    self.report(Cycle(applied=0, lag=-1, error=f"{type(error).__name__}: {error}"))
                    self.stopping.wait(backoff_s)
                    backoff_s = min(RESTART_BACKOFF_S_MAX, backoff_s * 2)
                    continue
                backoff_s = self.interval_s
                unchanged = unchanged + 1 if current and current == last_lag and not applied else 0
                stalled = unchanged >= WATCHDOG_CYCLES_MAX
                self.report(Cycle(applied=applied, lag=current, stalled=stalled))
                if stalled:
                    logger.warning(
                        "%s: lag %d has not moved for %d cycles; reconnecting", self.projection.name, current, unchanged
                    )
                    ledger.close()
                    ledger = self.open_ledger()
                    self.projection.ledger = ledger
                    unchanged = 0
                last_lag = current
                self.stopping.wait(self.interval_s)
        finally:
            ledger.close()
            self.leadership.release()
