"""The supervised projection runner behind ``ledger project``: one active runner, restarts, lag, watchdog.

* **One active runner per projection.** On PostgreSQL the runner holds a session advisory lock
  named after the projection; a second runner waits as a standby until the lock is free. On
  SQLite (one machine) the conditional tracking update is the guard: a batch whose position is
  already applied is refused and rolled back, so effects stay exactly-once either way.
* **Supervisor.** A failed catch-up is logged and retried after a back-off that doubles up to
  :data:`RESTART_BACKOFF_S_MAX`; the runner never dies on one bad batch.
* **Lag and watchdog.** Every cycle reports the lag (notifications recorded but not applied). A lag
  that does not shrink for :data:`WATCHDOG_CYCLES_MAX` cycles is reported as stalled and the
  runner reopens its event-store connection and its subscription (a LISTEN connection that went
  silent is replaced).
* **PostgreSQL: LISTEN/NOTIFY.** The runner reads the notification log through the library's own
  subscription (``eventsourcing.projection.ApplicationSubscription`` over
  ``PostgresApplicationRecorder.subscribe``: the recorder NOTIFYs in the inserting transaction and
  the subscription LISTENs), so a new event is applied at once, not at the next poll; a cycle
  waits at most ``interval_s`` for one, then reports the lag. **SQLite** has no LISTEN/NOTIFY (its
  recorder refuses ``subscribe``): the runner polls every ``interval_s`` in bounded batches.
* **Outbox.** After applying notifications, each cycle dispatches the outbox rows they decided
  (``projections/outbox.py``), when the runner is given a dispatcher.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from queue import Empty, Full, Queue
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.projection import ApplicationSubscription
from sqlalchemy import Connection, Engine, text

from projections.entitlements import CATCH_UP_BATCH_NOTIFICATIONS, EntitlementsProjection, catch_up, lag
from projections.isolation import retry_live
from projections.store import LedgerApplication

logger = logging.getLogger("ledger.projection")

#: Longest pause between two attempts after a failure.
RESTART_BACKOFF_S_MAX = 30.0
#: Cycles with an unchanged, non-zero lag before the watchdog reports a stall and reconnects.
WATCHDOG_CYCLES_MAX = 5
#: Notifications a subscription may hold in memory ahead of the projection.
FEED_QUEUE_NOTIFICATIONS_MAX = 5 * CATCH_UP_BATCH_NOTIFICATIONS
#: How often the subscription's reader thread looks whether it was stopped while its queue is full (s).
FEED_PUT_WAIT_S = 0.1


@dataclass(frozen=True)
class Cycle:
    """What one supervisor cycle did: notifications applied, lag after it, any error, any stall."""

    applied: int
    lag: int
    error: str | None = None
    stalled: bool = False
    dispatched: int = 0


class NotificationFeed:
    """The library's LISTEN/NOTIFY subscription, read by a thread into a bounded queue the runner takes batches from.

    Opening one on SQLite raises ``NotImplementedError`` (its recorder has no subscriptions).
    """

    def __init__(self, ledger: LedgerApplication, *, after: int | None) -> None:
        self.subscription: ApplicationSubscription[Any] = ApplicationSubscription(ledger, gt=after)
        self.subscription.__enter__()
        self.queue: Queue[tuple[Any, Tracking] | None] = Queue(maxsize=FEED_QUEUE_NOTIFICATIONS_MAX)
        self.stopped = threading.Event()
        self.error: BaseException | None = None
        self.reader = threading.Thread(target=self._read, name="notification-feed", daemon=True)
        self.reader.start()

    def _read(self) -> None:
        try:
            for item in self.subscription:
                while not self.stopped.is_set():
                    try:
                        self.queue.put(item, timeout=FEED_PUT_WAIT_S)
                        break
                    except Full:
                        continue
                if self.stopped.is_set():
                    return
        except BaseException as error:  # handed to the runner, which restarts the feed
            self.error = error

    def take(self, *, limit: int, timeout_s: float) -> list[tuple[Any, Tracking]]:
        """Up to ``limit`` notifications: waits up to ``timeout_s`` for the first, then takes what is there."""
        if self.error is not None:
            raise self.error
        try:
            first = self.queue.get(timeout=timeout_s)
        except Empty:
            if self.error is not None:
                raise self.error from None
            return []
        items = [] if first is None else [first]
        while first is not None and len(items) < limit:
            try:
                item = self.queue.get_nowait()
            except Empty:
                break
            if item is None:  # stopped
                break
            items.append(item)
        return items

    def stop(self) -> None:
        """Stop reading; a runner waiting in :meth:`take` wakes at once (None marks the stop)."""
        self.stopped.set()
        self.subscription.stop()
        try:
            self.queue.put_nowait(None)
        except Full:
            pass  # a full queue wakes the taker anyway

    def close(self) -> None:
        self.stop()
        self.reader.join(timeout=RESTART_BACKOFF_S_MAX)
        self.subscription.__exit__(None, None, None)


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
        dispatch: Callable[[], int] | None = None,
    ) -> None:
        self.projection = projection
        self.open_ledger = open_ledger
        self.interval_s = interval_s
        self.report = report
        self.dispatch = dispatch
        self.stopping = threading.Event()
        self.leadership = Leadership(projection.view.engine, projection.name)
        self.feed: NotificationFeed | None = None

    def stop(self) -> None:
        self.stopping.set()
        feed = self.feed
        if feed is not None:
            feed.stop()

    def run(self, *, cycles_max: int | None = None) -> None:
        """Wait to lead, then apply notifications as they come (or every ``interval_s``); restart on errors."""
        while not self.stopping.is_set() and not self.leadership.try_acquire():
            logger.info("%s: another runner is active; standing by", self.projection.name, extra=self._fields())
            self.stopping.wait(self.interval_s)
        ledger = self.open_ledger()
        self.projection.ledger = ledger
        self._retry_isolated()
        backoff_s = self.interval_s
        last_lag, unchanged = -1, 0
        cycles = 0
        try:
            while not self.stopping.is_set() and (cycles_max is None or cycles < cycles_max):
                cycles += 1
                try:
                    applied = self._apply(ledger)
                    dispatched = self.dispatch() if self.dispatch is not None else 0
                    current = lag(ledger, self.projection.view)
                except Exception as error:
                    logger.exception("%s: catch-up failed; restarting", self.projection.name, extra=self._fields())
                    self._close_feed()
                    self.report(Cycle(applied=0, lag=-1, error=f"{type(error).__name__}: {error}"))
                    self.stopping.wait(backoff_s)
                    backoff_s = min(RESTART_BACKOFF_S_MAX, backoff_s * 2)
                    continue
                backoff_s = self.interval_s
                unchanged = unchanged + 1 if current and current == last_lag and not applied else 0
                stalled = unchanged >= WATCHDOG_CYCLES_MAX
                self.report(Cycle(applied=applied, lag=current, stalled=stalled, dispatched=dispatched))
                if stalled:
                    logger.warning(
                        "%s: lag %d has not moved for %d cycles; reconnecting",
                        self.projection.name,
                        current,
                        unchanged,
                        extra=self._fields(lag=current),
                    )
                    self._close_feed()
                    ledger.close()
                    ledger = self.open_ledger()
                    self.projection.ledger = ledger
                    unchanged = 0
                last_lag = current
                if self.feed is None:
                    self.stopping.wait(self.interval_s)
        finally:
            self._close_feed()
            ledger.close()
            self.leadership.release()

    def _fields(self, **more: object) -> dict[str, object]:
        """Structured fields of a log line (JSON logs): the projection and what the line is about."""
        return {"projection": self.projection.name, **more}

    def _retry_isolated(self) -> None:
        """Members isolated under other code or rules are refolded once at the start (their own events retry them)."""
        try:
            stale = self.projection.isolation.stale()
            if stale:
                back, still = retry_live(self.projection, stale)
                logger.info(
                    "%s: %d isolated members retried: %d back, %d still isolated",
                    self.projection.name,
                    len(stale),
                    back,
                    still,
                    extra=self._fields(retried=len(stale), back=back, still_isolated=still),
                )
        except Exception:
            logger.exception(
                "%s: retrying isolated members failed; they stay isolated", self.projection.name, extra=self._fields()
            )

    def _apply(self, ledger: LedgerApplication) -> int:
        """One cycle's notifications: from the subscription (PostgreSQL) or by polling the log (SQLite)."""
        if self.stopping.is_set():
            return 0
        if self.feed is None and ledger.env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
            self.feed = NotificationFeed(ledger, after=self.projection.view.max_tracking_id(ledger.name))
        if self.feed is None:
            return catch_up(ledger, self.projection)
        items = self.feed.take(limit=CATCH_UP_BATCH_NOTIFICATIONS, timeout_s=self.interval_s)
        self.projection.process_batch(items)
        return len(items)

    def _close_feed(self) -> None:
        feed, self.feed = self.feed, None
        if feed is not None:
            feed.close()
