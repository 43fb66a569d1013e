"""The outbox actor: perform one outbox row's side effect (ids only; idempotent — a redelivery changes nothing).

The entitlements projection writes outbox rows in the transaction of its rows
(``projections/outbox.py``); ``ledger project`` dispatches their ids as ``deliver_outbox(outbox_id)``
messages on queue ``outbox`` — through Redis when ``LEDGER_REDIS_URL`` is set, else on the
in-process stub broker — and hosts a dramatiq worker for that queue itself.
"""

from __future__ import annotations

import dramatiq

from projections.outbox import deliver
from workers.actors import _resources, _settings, logger

#: Retries of a failed delivery (it is idempotent: a retry finds the notice written, or writes it).
OUTBOX_DELIVERY_RETRIES_MAX = 5
#: Longest one delivery may run before dramatiq interrupts it (ms): one small transaction.
OUTBOX_DELIVERY_TIME_LIMIT_MS = 60 * 1000
#: The queue outbox messages travel on.
OUTBOX_QUEUE = "outbox"
#: Threads of the outbox worker ``ledger project`` hosts.
OUTBOX_WORKER_THREADS = 2


@dramatiq.actor(
    actor_name="deliver_outbox",
    queue_name=OUTBOX_QUEUE,
    max_retries=OUTBOX_DELIVERY_RETRIES_MAX,
    time_limit=OUTBOX_DELIVERY_TIME_LIMIT_MS,
)
def deliver_outbox(outbox_id: str) -> None:
    """Write the member notice of one outbox row, once (configuration from the hosting process)."""
    engine, _ledger, _rulebook = _resources(_settings().database_url)
    delivered = deliver(engine, outbox_id)
    # One line per notice only at DEBUG: `ledger project` logs the count per cycle at INFO.
    logger.debug(
        "outbox %s %s", outbox_id, "delivered" if delivered else "already delivered", extra={"outbox_id": outbox_id}
    )


ACTORS = (deliver_outbox,)
