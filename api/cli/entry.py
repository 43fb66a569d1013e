"""The ``ledger`` command's entry point, importing nothing until it runs.

Commands that fold or validate in worker processes (``ledger import``, ``ledger replay --workers N``)
start them with multiprocessing, which runs the entry script again in every worker before its work:
kept this small, a worker starts in a fraction of a second instead of importing the whole command line
interface and the API first.
"""

from __future__ import annotations


def main() -> None:
    from api.cli.main import main as run

    run()
