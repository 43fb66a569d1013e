"""The process's start-up heap, kept out of cyclic garbage collection once a long-running process is ready."""

from __future__ import annotations

import gc


def freeze_startup_heap(*, collect_first: bool = True) -> None:
    """Leave what start-up built (modules, schemas, the rule book, the store) out of cyclic garbage collection.

    For the processes that fold or store many events once ready: ``ledger serve``, ``ledger import``,
    ``ledger project``, replay workers. A batch allocates thousands of event models, and a fold thousands of
    facts and explanations; both trigger collections, and the full ones walked the whole start-up heap each
    time: a fifth to a quarter of the store path's CPU, a tenth of a replay's (docs/benchmarks.md). Collected
    first, so no garbage is kept (a command that exits when done may skip that collection); objects dropped
    later are still freed by reference counting.
    """
    if collect_first:
        gc.collect()
    gc.freeze()
