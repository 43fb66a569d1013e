"""Transcription tests: every seed table, written out from the seed text, against the loaded rule sets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from projections.rulebook import Rulebook, load_rulebook

#: A day inside the period every handbook describes.
ON_2025 = date(2025, 7, 1)
ON_2026 = date(2026, 7, 1)


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return load_rulebook()


def fen(yuan: str) -> int:
    """Yuan as printed in the seed ("1.5万" written out as "15000") → fen."""
    return int(Decimal(yuan) * 100)


def pct(percent: str) -> Decimal:
    """A percentage as printed ("94%") → ratio Decimal("0.94")."""
    return Decimal(percent.rstrip("%")) / 100
