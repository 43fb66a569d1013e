"""Seeds 003 (Liaoning 二次报销) and 004 (Anshan 异地就医), both low confidence."""

from __future__ import annotations

import pytest

from domain.policies import Tier
from tests.rules.conftest import ON_2025, fen, pct

# 004 二、2: person kind | 已备案 | 未备案
ANSHAN_RATIOS = [
    ("in_service", "70%", "60%"),
    ("retired", "75%", "65%"),
    ("adult", "60%", "50%"),
    ("student_or_minor", "60%", "50%"),
]


@pytest.mark.parametrize("kind, filed, unfiled", ANSHAN_RATIOS)
def test_004_anshan_remote_ratios(rulebook, kind, filed, unfiled):
    """004 二、2 报销比例及起付标准: 职工 70%(退休75%) / 60%(65%); 居民 60% / 50%."""
    edition = rulebook["anshan-remote"]
    assert edition.value("remote.filed_ratio", ON_2025).cell(kind) == pct(filed)
    assert edition.value("remote.unfiled_ratio", ON_2025).cell(kind) == pct(unfiled)


def test_004_anshan_deductibles(rulebook):
    """004 二、2 (三级及以下 700), 二、3 (急诊抢救住院 1500)."""
    edition = rulebook["anshan-remote"]
    assert edition.value("remote.inpatient_deductible", ON_2025) == fen("700")
    assert edition.value("remote.emergency_inpatient_deductible", ON_2025) == fen("1500")
    assert edition.confidence == "low"


def test_003_liaoning_second_reimbursement(rulebook):
    """003 1-2: 起付 1万-2万 (lower bound, flagged); 1-5万 60%, 5-10万 70%, 10万以上 80%; 贫困 +5-10 (lower bound)."""
    edition = rulebook["liaoning-major-illness"]
    threshold = edition.reading("major_illness.threshold", ON_2025)
    assert threshold.value == fen("10000") and threshold.assumption is True
    tiers = edition.value("major_illness.tiers", ON_2025)
    assert tiers.tiers == (Tier(0, pct("60%")), Tier(fen("50000"), pct("70%")), Tier(fen("100000"), pct("80%")))
    # 自付 60,000: 60% of 40,000 above the threshold up to 5万 + 70% of 10,000
    assert tiers.amount_due(base_fen=fen("60000"), threshold_fen=threshold.value) == fen("24000") + fen("7000")
    assert edition.value("major_illness.low_income_ratio_raise", ON_2025) == pct("5%")
    assert edition.confidence == "low"
