"""Request ids, structured JSON logs and Prometheus metrics: what operators watch and ship.

* Every request gets an id: the caller's ``X-Request-ID`` when it is a sane token, else a new
  one. It is answered in the ``X-Request-ID`` header, carried in problem+json bodies
  (``request_id``), in the write audit trail's subjects and in every log line of the request.
* Logs are JSON lines (python-json-logger): one ``ledger.http`` line per request (method, route
  template, status, duration, request id) besides the application's own loggers.
* ``/metrics`` (prometheus-client) exposes counters and histograms kept by this process and gauges
  read from the database and Redis at scrape time (docs/operations.md lists them with alerts).
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import Engine, func, inspect, select, text
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
#: A caller's request id is kept when it is this sane (also a valid FHIR id); otherwise a new one is made.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9.\-]{1,64}$")
#: The request id of the request being handled (empty outside one).
current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")

#: Latency buckets in seconds: a status read takes milliseconds, a 10,000-event batch seconds.
LATENCY_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: Route label for requests no route matched (keeps the label set bounded: never the raw path).
UNMATCHED_ROUTE = "<unmatched>"
#: The table of members whose fold fails (``projections/isolation.py``): rows of the live scope count.
ISOLATED_MEMBER_TABLE = "fold_failure"
ISOLATED_LIVE_SCOPE = "live"
#: Most unfinished replay (and audit) jobs given their own series (limits the label set).
JOBS_SHOWN_MAX = 50
#: Seconds a Redis ping may take at scrape time.
REDIS_PING_TIMEOUT_S = 1.0

logger = logging.getLogger("ledger.http")


# ---------------------------------------------------------------------------------------- logs


class _RequestIdFilter(logging.Filter):
    """Adds the current request id to every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id.get()
        return True


def configure_json_logging(level: int = logging.INFO) -> None:
    """Log JSON lines to stderr: time (UTC), level, logger, message, request id and any extras.

    Python warnings go through logging too (logger ``py.warnings``), so nothing but JSON lines
    reaches stderr from the loggers and warnings of the process.
    """
    handler = logging.StreamHandler(sys.stderr)
    formatter = JsonFormatter(
        "{asctime}{levelname}{name}{message}{request_id}",
        style="{",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        json_ensure_ascii=False,
    )
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        named = logging.getLogger(name)
        named.handlers[:] = []
        named.propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # ledger.http writes one line per request instead
    logging.captureWarnings(True)


@contextmanager
def json_logs(level: int = logging.INFO) -> Iterator[None]:
    """:func:`configure_json_logging` for the length of a command, the root logger restored after.

    ``ledger project`` and ``ledger worker`` run inside it: their own lines, the projection's and
    dramatiq's loggers all come out as the same JSON lines as ``ledger serve`` writes. Restoring
    matters where a command runs inside another process (tests invoke commands in-process).
    """
    root = logging.getLogger()
    handlers, previous_level = root.handlers[:], root.level
    configure_json_logging(level)
    try:
        yield
    finally:
        logging.captureWarnings(False)
        root.handlers[:] = handlers
        root.setLevel(previous_level)


#: uvicorn's log_config equivalent of :func:`configure_json_logging` (so its own start-up lines are JSON too).
def uvicorn_log_config() -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": _RequestIdFilter}},
        "formatters": {
            "json": {
                "()": JsonFormatter,
                "fmt": "{asctime}{levelname}{name}{message}{request_id}",
                "style": "{",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
                "json_ensure_ascii": False,
            }
        },
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["json"], "level": "INFO"},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": False},
        },
    }


# ---------------------------------------------------------------------------------------- metrics


class LedgerMetrics:
    """The process's Prometheus registry: counters and histograms here, gauges read at scrape time."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.events_stored = Counter(
            "ledger_events_stored", "Events stored by POST /v1/events.", registry=self.registry
        )
        self.events_duplicate = Counter(
            "ledger_events_duplicate",
            "Events acknowledged as duplicates (event_id already stored with the same content).",
            registry=self.registry,
        )
        self.events_conflicting = Counter(
            "ledger_events_conflicting",
            "Events refused because their event_id was stored with different content (409).",
            registry=self.registry,
        )
        self.claims_settled = Counter(
            "ledger_claims_decided", "Claims decided by POST /v1/claims, by status.", ["status"], registry=self.registry
        )
        self.batch_seconds = Histogram(
            "ledger_event_batch_duration_seconds",
            "Time to validate-and-store one POST /v1/events batch in the event store.",
            buckets=LATENCY_BUCKETS_S,
            registry=self.registry,
        )
        self.batch_events = Histogram(
            "ledger_event_batch_size_events",
            "Events per POST /v1/events batch.",
            buckets=(1, 10, 100, 1_000, 5_000, 10_000),
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "ledger_http_request_duration_seconds",
            "HTTP request latency by route template, method and status class.",
            ["route", "method", "status"],
            buckets=LATENCY_BUCKETS_S,
            registry=self.registry,
        )

    def install_state_collector(self, collector: Collector) -> None:
        self.registry.register(collector)


class LedgerStateCollector(Collector):
    """Gauges read when Prometheus scrapes: projection lag, isolated members, outbox, jobs, reachability.

    Every read is guarded: a failing query sets ``ledger_database_up`` to 0 and leaves the other
    gauges out of that scrape, never fails the scrape.
    """

    def __init__(self, *, engine: Engine, ledger: Any, redis_url: str | None) -> None:
        self.engine = engine
        self.ledger = ledger
        self.redis_url = redis_url

    def describe(self) -> list[Any]:
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        database_up = GaugeMetricFamily("ledger_database_up", "1 when the database answers a query, else 0.")
        try:
            gauges = list(self._database_gauges())
            database_up.add_metric([], 1)
        except Exception:  # a scrape never fails: the database being down is the answer
            gauges = []
            database_up.add_metric([], 0)
        yield database_up
        yield from gauges
        redis_up = GaugeMetricFamily(
            "ledger_redis_up", "1 when Redis answers a ping, 0 when not, -1 when none is configured."
        )
        redis_up.add_metric([], self._redis_up())
        yield redis_up

    def _redis_up(self) -> int:
        if not self.redis_url:
            return -1
        import redis

        client = redis.Redis.from_url(
            self.redis_url, socket_timeout=REDIS_PING_TIMEOUT_S, socket_connect_timeout=REDIS_PING_TIMEOUT_S
        )
        try:
            client.ping()
        except redis.exceptions.RedisError:
            return 0
        finally:
            client.close()
        return 1

    def _database_gauges(self) -> Iterator[GaugeMetricFamily]:
        from projections.readmodel import (
            AuditJob,
            AuditPartition,
            Outbox,
            ProjectionTracking,
            ReplayJob,
            ReplayPartition,
        )

        head = int(self.ledger.ping()["max_notification_id"] or 0)
        now = datetime.now(UTC)
        lag = GaugeMetricFamily(
            "ledger_projection_lag_notifications",
            "Notifications recorded in the event store that the projection has not applied yet.",
            labels=["projection"],
        )
        lag_s = GaugeMetricFamily(
            "ledger_projection_lag_seconds",
            "Seconds since the projection last advanced, while it is behind (0 when current).",
            labels=["projection"],
        )
        head_gauge = GaugeMetricFamily("ledger_event_store_notifications", "Highest notification id in the store.")
        head_gauge.add_metric([], head)
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            for name, position, updated_at in connection.execute(
                select(
                    ProjectionTracking.projection_name,
                    ProjectionTracking.notification_id,
                    ProjectionTracking.updated_at,
                )
            ):
                behind = max(0, head - int(position))
                lag.add_metric([name], behind)
                updated = updated_at if updated_at.tzinfo else updated_at.replace(tzinfo=UTC)
                lag_s.add_metric([name], (now - updated).total_seconds() if behind else 0.0)
            backlog = connection.execute(select(func.count()).select_from(Outbox).where(Outbox.delivered_at.is_(None)))
            outbox = GaugeMetricFamily("ledger_outbox_backlog", "Outbox messages not yet delivered.")
            outbox.add_metric([], int(backlog.scalar_one()))
            isolated = GaugeMetricFamily(
                "ledger_isolated_members", "Members set aside because their events failed to fold (0: none)."
            )
            isolated.add_metric([], self._isolated(connection))
            replay = self._job_progress(connection, ReplayJob, ReplayPartition, "replay")
            audit = self._job_progress(connection, AuditJob, AuditPartition, "audit")
        yield head_gauge
        yield lag
        yield lag_s
        yield outbox
        yield isolated
        yield from replay
        yield from audit

    @staticmethod
    def _isolated(connection: Any) -> int:
        """Members the live projection isolated; 0 on a database whose schema predates the table."""
        if ISOLATED_MEMBER_TABLE not in set(inspect(connection).get_table_names()):
            return 0
        query = text(f'SELECT COUNT(*) FROM "{ISOLATED_MEMBER_TABLE}" WHERE scope = :scope')
        return int(connection.execute(query, {"scope": ISOLATED_LIVE_SCOPE}).scalar_one())

    @staticmethod
    def _job_progress(connection: Any, job: Any, partition: Any, kind: str) -> list[GaugeMetricFamily]:
        """Members done and total of every unfinished job (finished jobs drop out of the series)."""
        done = GaugeMetricFamily(
            f"ledger_{kind}_members_done", f"Members folded so far by a running {kind}.", labels=["job_id"]
        )
        total = GaugeMetricFamily(
            f"ledger_{kind}_members_total", f"Members a running {kind} covers.", labels=["job_id"]
        )
        running = GaugeMetricFamily(f"ledger_{kind}_jobs_running", f"{kind.capitalize()} jobs not finished.")
        unfinished = select(partition.job_id).where(partition.status != "done").distinct()
        rows = connection.execute(
            select(job.job_id, job.members_total, func.sum(partition.members_done))
            .join(partition, partition.job_id == job.job_id)
            .where(job.job_id.in_(unfinished))
            .group_by(job.job_id, job.members_total)
            .limit(JOBS_SHOWN_MAX)
        ).all()
        count = 0
        for job_id, members_total, members_done in rows:
            count += 1
            done.add_metric([job_id], int(members_done or 0))
            total.add_metric([job_id], int(members_total))
        running.add_metric([], count)
        return [done, total, running]


# ---------------------------------------------------------------------------------------- middleware


class RequestContext:
    """Gives each request its id, answers it in ``X-Request-ID``, times it by route and logs one JSON line."""

    def __init__(self, app: ASGIApp, metrics: LedgerMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-request-id"), "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        token = current_request_id.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed_s = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or UNMATCHED_ROUTE
            if template.startswith("/docs-assets"):
                template = "/docs-assets"
            self.metrics.request_seconds.labels(template, scope.get("method", ""), f"{status // 100}xx").observe(
                elapsed_s
            )
            # The path as the inner middleware left it: identity numbers already replaced by their pseudonyms.
            path = str(scope.get("path", ""))
            logger.info(
                "%s %s %s",
                scope.get("method"),
                path,
                status,
                extra={
                    "request_id": request_id,
                    "method": scope.get("method"),
                    "path": path,
                    "route": template,
                    "status": status,
                    "duration_ms": round(elapsed_s * 1000, 2),
                },
            )
            current_request_id.reset(token)
