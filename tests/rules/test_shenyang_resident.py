"""Seed 001 (沈阳市城乡居民基本医疗保险, 2026-01), table by table, against shenyang-resident."""

from __future__ import annotations

from datetime import date

import pytest

from domain.policies import Bands, Table, Tier
from tests.rules.conftest import ON_2025, ON_2026, fen, pct

NAME = "shenyang-resident"

# 001 市内住院待遇 1: 定点医疗机构等级 | 起付标准 学生/未成年人, 成年居民 | 报销比例 学生/未成年人, 成年居民
INPATIENT_TABLE = [
    ("community", "50", "100", "90%", "90%"),  # 基层卫生医疗机构（一级乡镇卫生院和社区卫生服务机构）
    ("level1", "100", "200", "85%", "85%"),
    ("level2", "150", "300", "80%", "80%"),
    ("level3", "300", "600", "75%", "75%"),
    ("level3_special", "600", "1200", "70%", None),  # adults: 65% ≤ 1.5万, 70% above
]


@pytest.mark.parametrize("level, student_deductible, adult_deductible, student_ratio, adult_ratio", INPATIENT_TABLE)
def test_001_inpatient_table_rows(rulebook, level, student_deductible, adult_deductible, student_ratio, adult_ratio):
    """001 市内住院待遇 1 住院医疗费用报销比例一览表."""
    edition = rulebook[NAME]
    deductible = edition.value("inpatient.deductible", ON_2025)
    ratio = edition.value("inpatient.ratio", ON_2025)
    assert deductible.cell(level, "student_or_minor") == fen(student_deductible)
    assert deductible.cell(level, "adult") == fen(adult_deductible)
    assert ratio.cell(level, "student_or_minor") == pct(student_ratio)
    if adult_ratio is not None:
        assert ratio.cell(level, "adult") == pct(adult_ratio)


def test_001_inpatient_level3_special_adults_65_percent_to_15000_then_70(rulebook):
    """001 市内住院待遇 1: 特三级 成年居民 70%(1.5万元以上部分) 65%(1.5万元及以下部分)."""
    cell = rulebook[NAME].value("inpatient.ratio", ON_2025).cell("level3_special", "adult")
    assert isinstance(cell, Bands)
    assert cell.tiers == (Tier(0, pct("65%")), Tier(fen("15000"), pct("70%")))


def test_001_inpatient_table_has_no_extra_levels(rulebook):
    table = rulebook[NAME].value("inpatient.deductible", ON_2025)
    assert set(table.rows) == {row[0] for row in INPATIENT_TABLE}


def test_001_emergency_and_non_designated_emergency_admission(rulebook):
    """001 门、急诊待遇 1 (60%); 市内住院待遇 2 (非定点 起付 1200, 60%)."""
    edition = rulebook[NAME]
    assert edition.value("emergency.outpatient_ratio", ON_2025) == pct("60%")
    assert edition.value("emergency.non_designated_inpatient_deductible", ON_2025) == fen("1200")
    assert edition.value("emergency.non_designated_inpatient_ratio", ON_2025) == pct("60%")


def test_001_basic_pool_cap_150000(rulebook):
    """001 统筹基金最高支付限额: 15万元."""
    assert rulebook[NAME].value("basic_pool.annual_cap", ON_2025) == fen("150000")


def test_001_outpatient_pooling_figures(rulebook):
    """001 门、急诊待遇 3: 每季起付40, 限额150, 大学生年600无起付, 55%, 一般诊疗费80%, 村卫生室每季50, 6/5.5/11元."""
    edition = rulebook[NAME]
    expected = {
        "outpatient_pooling.quarterly_deductible": fen("40"),
        "outpatient_pooling.quarterly_cap": fen("150"),
        "outpatient_pooling.university_student_deductible": 0,
        "outpatient_pooling.university_student_annual_cap": fen("600"),
        "outpatient_pooling.flat_ratio": pct("55%"),
        "outpatient_pooling.general_consultation_fee_ratio": pct("80%"),
        "outpatient_pooling.village_clinic_quarterly_cap": fen("50"),
        "outpatient_pooling.village_clinic_consultation_fee": fen("6"),
        "outpatient_pooling.village_clinic_consultation_fund_share": fen("5.5"),
        "outpatient_pooling.village_clinic_consultation_fund_annual_cap": fen("11"),
    }
    assert {name: edition.value(name, ON_2025) for name in expected} == expected


def test_001_chronic_special_ratios(rulebook):
    """001 门诊慢特病 2: listed diseases 80%; others 一级(含基层及未定级)80%, 二级70%, 三级及以上60%."""
    edition = rulebook[NAME]
    assert edition.value("chronic_special.listed_disease_ratio", ON_2025) == pct("80%")
    other = edition.value("chronic_special.other_ratio", ON_2025)
    expected = {
        "community": "80%",
        "unrated": "80%",
        "level1": "80%",
        "level2": "70%",
        "level3": "60%",
        "level3_special": "60%",
    }
    assert {row: other.cell(row) for row in other.rows} == {row: pct(value) for row, value in expected.items()}
    assert "透析" in edition.value("chronic_special.listed_diseases", ON_2025)
    assert len(edition.value("chronic_special.listed_diseases", ON_2025)) == 18


def test_001_two_diseases(rulebook):
    """001 门、急诊待遇 4: 无起付, 65%, 高血压200, 糖尿病400, 两种按糖尿病."""
    edition = rulebook[NAME]
    caps = edition.value("two_diseases.annual_cap", ON_2025)
    assert edition.value("two_diseases.ratio", ON_2025) == pct("65%")
    assert edition.value("two_diseases.deductible", ON_2025) == 0
    assert {row: caps.cell(row) for row in caps.rows} == {
        "hypertension": fen("200"),
        "diabetes": fen("400"),
        "both": fen("400"),
    }


def test_001_major_illness_threshold_18000_in_2025_and_24800_from_2026(rulebook):
    """001 大病保险 4: 原起付标准18000元; 2.48万元 after 沈医保发〔2025〕55号 (from 2026, an assumption)."""
    edition = rulebook[NAME]
    assert edition.value("major_illness.threshold", date(2025, 12, 31)) == fen("18000")
    assert edition.value("major_illness.threshold", date(2026, 1, 1)) == fen("24800")
    assert edition.value("major_illness.threshold", ON_2026) == fen("24800")


def test_001_major_illness_tiers_60_65_70(rulebook):
    """001 大病保险 4: ≤5万 60%, 5-10万 65%, 10万以上 70% (cumulative co-pay bands)."""
    tiers = rulebook[NAME].value("major_illness.tiers", ON_2026)
    assert tiers.basis == "cumulative"
    assert tiers.tiers == (Tier(0, pct("60%")), Tier(fen("50000"), pct("65%")), Tier(fen("100000"), pct("70%")))
    # co-pay 60,000 in 2026: 60% of (50,000 - 24,800) + 65% of 10,000
    assert tiers.amount_due(base_fen=fen("60000"), threshold_fen=fen("24800")) == fen("15120") + fen("6500")


def test_001_major_illness_low_income_cap_and_funding(rulebook):
    """001 大病保险 2, 4, 5: 困难群众 9000 (18000的50%) 75%; 限额40万; 筹资90元."""
    edition = rulebook[NAME]
    assert edition.value("major_illness.low_income_threshold", ON_2026) == fen("9000")
    assert edition.value("major_illness.low_income_ratio", ON_2026) == pct("75%")
    assert edition.value("major_illness.annual_cap", ON_2026) == fen("400000")
    assert edition.value("major_illness.funding_per_person", ON_2026) == fen("90")


def test_001_incentives(rulebook):
    """001 大病保险 6: 满4年后每年+4000; 零报销次年+4000; 合计 ≤ 20%; 零报销累积 (reading)."""
    edition = rulebook[NAME]
    assert edition.value("incentives.continuity_years_required", ON_2026) == 4
    assert edition.value("incentives.continuity_raise", ON_2026) == fen("4000")
    assert edition.value("incentives.zero_claim_raise", ON_2026) == fen("4000")
    assert edition.value("incentives.total_raise_share_max", ON_2026) == pct("20%")
    assert edition.value("readings.zero_claim_accumulates", ON_2026) is True
    assert edition.value("readings.gap_penalty_per_year", ON_2026) == 0


def test_001_waiting_periods(rulebook):
    """001 医保待遇期 1-3: 固定3个月, 每多断保1年+1, 修复-1/年, 断4年以上≥6个月; 新生儿3个月内; 晚缴3个月后."""
    edition = rulebook[NAME]
    assert edition.value("waiting_period.fixed_months", ON_2025) == 3
    assert edition.value("readings.variable_wait_per_gap_year", ON_2025) == 1
    assert edition.value("waiting_period.gap_years_free_of_variable_wait", ON_2025) == 1
    assert edition.value("waiting_period.repair_months_per_year", ON_2025) == 1
    assert edition.value("waiting_period.long_gap_run_years", ON_2025) == 4
    assert edition.value("waiting_period.long_gap_minimum_total_months", ON_2025) == 6
    assert edition.value("newborn.enrollment_limit_months", ON_2025) == 3
    assert edition.value("newborn.late_enrollment_wait_months", ON_2025) == 3


def test_001_central_window_is_the_flagged_default(rulebook):
    """§8 shenyang_central_window: Sep 1 - Dec 31 of the prior year, an assumption."""
    reading = rulebook[NAME].reading("readings.shenyang_central_window", ON_2025)
    assert reading.value.for_year(2026) == (date(2025, 9, 1), date(2025, 12, 31))
    assert reading.assumption is True
    assert rulebook[NAME].value("coverage.mid_year_enrollment_window", ON_2025).for_year(2026) == (
        date(2026, 1, 1),
        date(2026, 12, 20),
    )


# 001 医疗救助 3 (一)(二): category | 基本 起付, 比例 | 倾斜 起付, 比例
ASSISTANCE_TABLE = [
    ("extreme_poverty", "0", "70%", "0", "70%"),
    ("orphan", "0", "70%", "0", "70%"),
    ("minimum_living", "0", "70%", "2000", "70%"),
    ("monitored", "0", "70%", "2000", "70%"),  # 脱贫人口
    ("near_minimum", "2000", "60%", "4000", "60%"),
]


@pytest.mark.parametrize("category, basic_deductible, basic_ratio, tilt_deductible, tilt_ratio", ASSISTANCE_TABLE)
def test_001_assistance_rows(rulebook, category, basic_deductible, basic_ratio, tilt_deductible, tilt_ratio):
    """001 医疗救助 3 (一) 基本救助 (限额20000), (二) 倾斜救助 (不设封顶线)."""
    edition = rulebook[NAME]
    assert edition.value("assistance.basic.deductible", ON_2025).cell(category) == fen(basic_deductible)
    assert edition.value("assistance.basic.ratio", ON_2025).cell(category) == pct(basic_ratio)
    assert edition.value("assistance.tilt.deductible", ON_2025).cell(category) == fen(tilt_deductible)
    assert edition.value("assistance.tilt.ratio", ON_2025).cell(category) == pct(tilt_ratio)


def test_001_assistance_caps_outpatient_and_illness_poverty(rulebook):
    """001 医疗救助 3: 基本限额20000; 倾斜无封顶; 门诊 80%/90%, 80/120元; 因病致贫 5000/50%/20000, 10000/50%/20000."""
    edition = rulebook[NAME]
    assert edition.value("assistance.basic.annual_cap", ON_2025) == fen("20000")
    assert edition.value("assistance.tilt.uncapped", ON_2025) is True
    outpatient_ratio = edition.value("assistance.outpatient.ratio", ON_2025)
    outpatient_cap = edition.value("assistance.outpatient.annual_cap", ON_2025)
    assert {row: outpatient_ratio.cell(row) for row in outpatient_ratio.rows} == {
        "extreme_poverty": pct("80%"),
        "orphan": pct("80%"),
        "minimum_living": pct("80%"),
        "monitored": pct("80%"),
    }
    assert {row: outpatient_cap.cell(row) for row in outpatient_cap.rows} == {
        "extreme_poverty": fen("120"),
        "orphan": fen("120"),
        "minimum_living": fen("80"),
        "monitored": fen("80"),
    }
    assert edition.value("assistance.outpatient.disabled_ratio", ON_2025) == pct("90%")
    assert [
        edition.value(f"assistance.illness_poverty.{name}", ON_2025)
        for name in ("basic_deductible", "basic_ratio", "basic_cap", "tilt_deductible", "tilt_ratio", "tilt_cap")
    ] == [fen("5000"), pct("50%"), fen("20000"), fen("10000"), pct("50%"), fen("20000")]


# 001 缴费标准: kind | 普通 个人, 政府 | 低保边缘 个人, 政府
CONTRIBUTION_TABLE = [
    ("student_or_minor", "400", "700", "160", "940"),
    ("adult", "460", "700", "184", "976"),
]


@pytest.mark.parametrize("kind, personal, government, near_personal, near_government", CONTRIBUTION_TABLE)
def test_001_contribution_rows(rulebook, kind, personal, government, near_personal, near_government):
    """001 缴费标准 (筹资标准 1100 / 1160)."""
    edition = rulebook[NAME]
    personal_table = edition.value("contribution.personal", ON_2026)
    government_table = edition.value("contribution.government_subsidy", ON_2026)
    assert isinstance(personal_table, Table)
    assert personal_table.cell(kind, "ordinary") == fen(personal)
    assert government_table.cell(kind, "ordinary") == fen(government)
    assert personal_table.cell(kind, "near_minimum") == fen(near_personal)
    assert government_table.cell(kind, "near_minimum") == fen(near_government)


def test_001_remote_care(rulebook):
    """001 异地医疗待遇 3, 5: 临时外出 起付×2.5, 比例−10点, 大病−10点; 急危重病住院 起付×2 (reading), 比例不变."""
    edition = rulebook[NAME]
    assert str(edition.value("remote.temporary_deductible_factor", ON_2025)) == "2.5"
    assert edition.value("remote.temporary_ratio_reduction", ON_2025) == pct("10%")
    assert edition.value("remote.temporary_major_illness_ratio_reduction", ON_2025) == pct("10%")
    assert str(edition.value("readings.emergency_remote_deductible_factor", ON_2025)) == "2"
    assert edition.value("remote.emergency_inpatient_ratio_reduction", ON_2025) == 0


def test_001_maternity(rulebook):
    """001 生育保险待遇 2: 产前检查 限额1500 无起付 60%; 辅助生殖 50% 最多2次; 住院分娩免起付."""
    edition = rulebook[NAME]
    assert edition.value("maternity.prenatal_cap", ON_2025) == fen("1500")
    assert edition.value("maternity.prenatal_ratio", ON_2025) == pct("60%")
    assert edition.value("maternity.prenatal_deductible", ON_2025) == 0
    assert edition.value("maternity.assisted_reproduction_ratio", ON_2025) == pct("50%")
    assert edition.value("maternity.assisted_reproduction_uses_max", ON_2025) == 2
    assert edition.value("inpatient.childbirth_deductible_exempt", ON_2025) is True
