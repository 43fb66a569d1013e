# The two set-up commands of the README. Both work on a fresh Debian machine with Python 3.11+.
.PHONY: run test lint bench soak

# Install the Python packages and serve the API on the embedded default (SQLite ./ledger.db).
run:
	bash scripts/install.sh
	.venv/bin/ledger serve

# Install everything (Python packages, PostgreSQL and Redis servers when absent), lint, and run the whole suite.
# The tests start and stop their own private servers on 127.0.0.1.
test:
	bash scripts/install.sh --servers
	.venv/bin/ruff check .
	.venv/bin/mypy
	.venv/bin/python -m pytest

# Static checks: ruff on everything, mypy strict on the pure domain.
lint:
	.venv/bin/ruff check .
	.venv/bin/mypy

# Benchmarks (not part of the suite): see docs/benchmarks.md. bench.ratios prints every ratio beside its limit,
# the ledger and the hardware measured in the same run.
bench:
	.venv/bin/python -m bench.ratios
	.venv/bin/python -m bench.ingest
	.venv/bin/python -m bench.ingest --postgres
	.venv/bin/python -m bench.replay scaling
	.venv/bin/python -m bench.replay memory --sizes 1000,4000,16000

# Soak (not part of the suite): 8 clients post 20,000 events with duplicates and conflicts against private
# servers on 127.0.0.1, then check exactly-once storage and the read model; see docs/reliability.md.
# Both runs go on when the first fails; the target fails when either does.
soak:
	.venv/bin/python -m bench.soak --clients 8 --events 20000; status=$$?; \
	.venv/bin/python -m bench.soak --clients 8 --events 20000 --sqlite && exit $$status
