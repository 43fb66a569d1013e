"""The one error hierarchy of the ledger: business rejections callers can act on.

Every refusal the domain raises is a :class:`LedgerError`; ``code`` is a stable,
machine-readable name the API maps to problem+json in one place.
"""

from __future__ import annotations

from dataclasses import dataclass


class LedgerError(Exception):
    """Base of every typed rejection raised by the domain."""

    code: str = "ledger_error"


@dataclass(frozen=True)
class FieldProblem:
    """One invalid field of one event in a batch: where (index, event_id, field) and why."""

    index: int
    event_id: str | None
    field: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"index": self.index, "event_id": self.event_id, "field": self.field, "reason": self.reason}


class InvalidEvents(LedgerError):
    """A batch holds events that break the contract; nothing of the batch is stored."""

    code = "invalid_events"

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"event #{first.index} field {first.field!r}: {first.reason}{more}")


class InvalidBatch(LedgerError):
    """The batch as a whole is unacceptable (empty, too many events, not a JSON array)."""

    code = "invalid_batch"


@dataclass(frozen=True)
class EventIdConflict:
    """An event_id already used for different content."""

    index: int
    event_id: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"index": self.index, "event_id": self.event_id, "reason": self.reason}


class ConflictingEventIds(LedgerError):
    """event_ids reused with different content (the idempotency key must name one event)."""

    code = "event_id_conflict"

    def __init__(self, conflicts: list[EventIdConflict]) -> None:
        self.conflicts = conflicts
        first = conflicts[0]
        more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
        super().__init__(f"event_id {first.event_id} (event #{first.index}): {first.reason}{more}")


class ConcurrencyExhausted(LedgerError):
    """Concurrent writers kept changing the same member streams; the client may retry."""

    code = "concurrency_exhausted"
